// At start: every `keychain/NAME` a served model uses is looked up once, and one log line names
// each reference that is missing (or unreadable) with the models that use it, so the user hears
// of it before the first request fails. Never logs a value; never blocks the start (the caller
// does not wait for it before listening).
import type { Logger } from 'pino';
import type { Deployment } from '../core/deployment.js';
import { isSecretStoreError, type SecretStore } from './secret-store.js';

export async function warnMissingKeychainKeys(options: { deployments: readonly Deployment[]; store: SecretStore | undefined; log: Logger }): Promise<void> {
  const users = new Map<string, Set<string>>();
  for (const deployment of options.deployments) {
    if (deployment.credential.kind !== 'keychain') continue;
    const models = users.get(deployment.credential.name) ?? new Set<string>();
    models.add(deployment.modelName);
    users.set(deployment.credential.name, models);
  }
  for (const [name, modelSet] of users) {
    const models = [...modelSet].sort();
    const who = `${models.length === 1 ? 'model' : 'models'} ${models.join(', ')}`;
    const fields = { models, reference: `keychain/${name}` };
    if (options.store === undefined) {
      options.log.warn(fields, `${who} ${models.length === 1 ? 'uses' : 'use'} keychain/${name}, but this gateway has no OS keychain; requests to ${models.length === 1 ? 'it' : 'them'} will fail until the key comes from elsewhere (api_key: os.environ/NAME)`);
      continue;
    }
    try {
      if ((await options.store.get(name)) !== undefined) continue;
      options.log.warn(fields, `${who} ${models.length === 1 ? 'uses' : 'use'} keychain/${name}, which is not in the ${options.store.location}; requests to ${models.length === 1 ? 'it' : 'them'} will fail until you add it (dashboard: Models → Provider keys, or switchboard keys import)`);
    } catch (error) {
      // SecretStore messages say what to install or unlock and never carry a value.
      const why = isSecretStoreError(error) ? error.message : 'the keychain did not answer';
      options.log.warn(fields, `${who} ${models.length === 1 ? 'uses' : 'use'} keychain/${name}, but the OS keychain cannot be read: ${why}`);
    }
  }
}
