// Where the admin key a gateway starts with comes from, told apart after the fact: the caller (the
// CLI, the desktop app) hands startGateway the key alone. The environment and the config win over
// the data directory's key, as they do when the key is chosen; a key that matches none of them was
// handed over by whoever started the gateway. Compares keys only, never logs or returns one.
import type { CredentialRef } from './core/deployment.js';
import type { AdminKeyOrigin } from './gateway/routes/admin-key-routes.js';
import type { DataDirAdminKey } from './secrets/data-dir-admin-key.js';

const ADMIN_KEY_VARIABLES = ['SWITCHBOARD_MASTER_KEY', 'LITELLM_MASTER_KEY'] as const;

export interface AdminKeyOriginInput {
  /** The admin key in effect, undefined in open mode. */
  masterKey: string | undefined;
  env: NodeJS.ProcessEnv;
  config: { masterKey: CredentialRef; file: string };
  /** Resolves general_settings.master_key (literal, os.environ/NAME, keychain/NAME). */
  resolve(ref: CredentialRef): string | undefined | Promise<string | undefined>;
  dataDir: DataDirAdminKey;
}

export async function findAdminKeyOrigin(input: AdminKeyOriginInput): Promise<AdminKeyOrigin> {
  const { masterKey } = input;
  if (masterKey === undefined) return { source: 'none' };
  for (const variable of ADMIN_KEY_VARIABLES) {
    const value = input.env[variable];
    if (value !== undefined && value !== '') return value === masterKey ? { source: 'environment', variable } : { source: 'startup' };
  }
  if (input.config.masterKey.kind !== 'none') {
    let configured: string | undefined;
    try {
      configured = await input.resolve(input.config.masterKey);
    } catch {
      configured = undefined;
    }
    if (configured === masterKey) return { source: 'config', file: input.config.file };
  }
  const saved = input.dataDir.where();
  // Read back, not assumed: a desktop app's own keychain key beside an old admin-key.json is not that file's key.
  if (saved !== undefined && (await input.dataDir.load().catch(() => undefined)) === masterKey) return { source: 'data_dir', saved };
  return { source: 'startup' };
}
