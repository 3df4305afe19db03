// Turns a CredentialRef into the key to send upstream, at call time. Environment values are read
// when used (so a rotated variable takes effect on restart only if the process env changes);
// keychain references go through the SecretStore. A keychain key that cannot be read is a clear
// 503 naming the credential, never an unauthenticated upstream call. Never logs or returns a
// value anywhere else; `onResolved` hears each value it returns (so body logging can mask it).
import type { CredentialRef } from '../core/deployment.js';
import { GatewayError } from '../core/gateway-error.js';
import { isSecretStoreError } from './secret-store.js';

export interface SecretReader {
  get(name: string): Promise<string | undefined>;
}

export type CredentialResolver = (ref: CredentialRef) => Promise<string | undefined> | string | undefined;

/**
 * `onResolved` is called with every value the resolver returns, at the moment it returns it: a
 * keychain key added after the start is known from its first use on. Called per request, so it
 * must be cheap for a value it has seen before.
 */
export function createCredentialResolver(env: NodeJS.ProcessEnv, secrets?: SecretReader, onResolved?: (value: string) => void): CredentialResolver {
  const heard = (value: string | undefined): string | undefined => {
    if (value !== undefined && onResolved) onResolved(value);
    return value;
  };
  return (ref) => {
    switch (ref.kind) {
      case 'none':
        return undefined;
      case 'literal':
        return heard(ref.value);
      case 'env':
        return heard(env[ref.name]);
      case 'keychain':
        return onResolved ? readKeychain(ref.name, secrets).then(heard) : readKeychain(ref.name, secrets);
    }
  };
}

async function readKeychain(name: string, secrets: SecretReader | undefined): Promise<string> {
  if (!secrets) throw new GatewayError('service_unavailable', `The key "${name}" lives in the OS keychain, which is not available to this gateway`);
  let value: string | undefined;
  try {
    value = await secrets.get(name);
  } catch (error) {
    // SecretStoreError messages say what to install or unlock and never hold a value.
    const reason = isSecretStoreError(error) ? error.message : 'the keychain reported an error';
    throw new GatewayError('service_unavailable', `Cannot read the key "${name}" from the OS keychain: ${reason}`, { cause: error });
  }
  if (value === undefined || value === '') {
    throw new GatewayError(
      'service_unavailable',
      `The key "${name}" is not in the OS keychain (or the keychain is locked): add it with POST /credentials or \`switchboard keys import\`, or unlock the keychain`,
    );
  }
  return value;
}
