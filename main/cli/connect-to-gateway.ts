// Everything a client command needs before its first request: the gateway's address (located
// the way serve was started) and the admin key, resolved exactly as serve resolves it
// (SWITCHBOARD_MASTER_KEY, LITELLM_MASTER_KEY, general_settings.master_key of --config, which
// may be os.environ/ or keychain/), then the key the dashboard's "Require keys" kept for the data
// dir (keychain or admin-key.json), as serve does. The key stays in memory, in the Authorization header only.
import { ConfigError } from '../core/config-error.js';
import { isGatewayError } from '../core/gateway-error.js';
import { resolveAdminKey } from '../secrets/admin-key.js';
import { AdminKeyUnreadableError, loadDataDirAdminKey } from '../secrets/data-dir-admin-key.js';
import { createCredentialResolver } from '../secrets/resolve-credential.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { loadGatewayConfig } from '../start-gateway.js';
import { CliFailure, createGatewayClient, type GatewayClient } from './gateway-client.js';
import { locateGateway, type GatewayTarget } from './locate-gateway.js';
import type { GatewayLocation } from './parse-client-args.js';

export interface Connection {
  client: GatewayClient;
  target: GatewayTarget;
}

/** A config error is a usage problem (exit 2), like serve's. */
export class CliConfigError extends Error {}

export async function connectToGateway(location: GatewayLocation, env: NodeJS.ProcessEnv, secrets: SecretStore): Promise<Connection> {
  const target = locateGateway(location);
  let adminKey: string | undefined;
  try {
    const config = loadGatewayConfig(location.configFile, env);
    adminKey = await resolveAdminKey({ env, ref: config.masterKey, file: config.file, resolve: createCredentialResolver(env, secrets) });
    adminKey ??= await loadDataDirAdminKey(location.dataDir, secrets);
  } catch (error) {
    if (error instanceof AdminKeyUnreadableError) throw new CliFailure(`cannot read the admin key: ${error.message}`);
    if (error instanceof ConfigError) throw new CliConfigError(`config error: ${error.message}`);
    if (isGatewayError(error)) throw new CliFailure(`cannot read the admin key (general_settings.master_key): ${error.message}`);
    throw error;
  }
  return { client: createGatewayClient(target, adminKey), target };
}
