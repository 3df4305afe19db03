// Turns a CredentialRef into the key to send upstream, at call time. Environment values are read
// when used (so a rotated variable takes effect on restart only if the process env changes);
// keychain references go through the SecretStore. Never logs or returns a value anywhere else.
import type { CredentialRef } from '../routing/deployment.js';
import { GatewayError } from '../gateway/gateway-error.js';

export interface SecretReader {
  get(name: string): Promise<string | undefined>;
}

export type CredentialResolver = (ref: CredentialRef) => Promise<string | undefined> | string | undefined;

export function createCredentialResolver(env: NodeJS.ProcessEnv, secrets?: SecretReader): CredentialResolver {
  return (ref) => {
    switch (ref.kind) {
      case 'none':
        return undefined;
      case 'literal':
        return ref.value;
      case 'env':
        return env[ref.name];
      case 'keychain':
        if (!secrets) throw new GatewayError('service_unavailable', `The key "${ref.name}" lives in the OS keychain, which is not available`);
        return secrets.get(ref.name);
    }
  };
}
