// Starts the gateway for the desktop app: the data folder, the config (SWITCHBOARD_CONFIG, a
// config.yaml in the data folder, or the built-in default), the admin key (configured, else kept
// in the OS keychain, generated on first run), then startGateway, the same assembly the headless
// CLI runs. Loopback only: the desktop app has no LAN mode. Never logs the admin key.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensureAdminKey, resolveAdminKey, type AdminKeySource } from '../secrets/admin-key.js';
import { createCredentialResolver } from '../secrets/resolve-credential.js';
import { ensurePrivateDirectory } from '../storage/ensure-private-directory.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SecretRedactor } from '../metering/redact-secrets.js';
import { loadGatewayConfig, startGateway } from '../start-gateway.js';
import type { Inject } from './gateway-client.js';

export const DESKTOP_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4141;
export const USER_CONFIG_FILE = 'config.yaml';

export interface StartedGateway {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** The admin key in effect. Only for the in-process client and the dashboard's session. */
  adminKey: string;
  adminKeySource: AdminKeySource;
  /** fastify inject on the running server: management API calls without a socket. */
  inject: Inject;
  /** Stops the server, flushes usage and closes the database (startGateway's close). */
  close(): Promise<void>;
  /**
   * For a system shutdown, when nothing may be awaited: writes queued usage and closes the
   * database synchronously, without waiting for requests in flight.
   */
  closeNow(): void;
  /** Writes queued usage synchronously; everything keeps running. */
  flushUsage(): void;
}

export interface LaunchOptions {
  dataDir: string;
  /** The config file, or null for the built-in default. */
  configFile: string | null;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The OS keychain (keytar) in the app; provider keys and the admin key live there. */
  secrets: SecretStore;
  /**
   * better-sqlite3 built for Electron's ABI (sqlite-native-binding.ts); node_modules holds the
   * build for Node's, which Electron refuses. Unset: node_modules' (tests under Node).
   */
  sqliteNativeBinding?: string;
  /** The logger's secret redactor: the gateway teaches it the admin key and provider keys. */
  secretRedactor?: SecretRedactor;
  /** Called once per app name ever, on that app's first call (the tray's new-app notification). */
  onNewApp?: (name: string) => void;
}

/**
 * The config file the desktop app uses: SWITCHBOARD_CONFIG when set, else `config.yaml` in the
 * data folder when it exists, else null (the built-in default: a local Ollama).
 */
export function resolveConfigFile(dataDir: string, env: NodeJS.ProcessEnv, exists: (path: string) => boolean = existsSync): string | null {
  const fromEnv = env.SWITCHBOARD_CONFIG?.trim();
  if (fromEnv) return fromEnv;
  const inDataDir = join(dataDir, USER_CONFIG_FILE);
  return exists(inDataDir) ? inDataDir : null;
}

/**
 * The port: SWITCHBOARD_PORT when it is a valid port, else the one the user chose in the app
 * (after a port conflict), else 4141.
 */
export function resolvePort(env: NodeJS.ProcessEnv, preferred: number | undefined): number {
  const text = env.SWITCHBOARD_PORT?.trim();
  if (text && /^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535) return Number(text);
  return preferred ?? DEFAULT_PORT;
}

export async function launchGateway(options: LaunchOptions, port: number): Promise<StartedGateway> {
  // Owner-only, fixed with a warning if looser: it holds the database (S42).
  ensurePrivateDirectory(options.dataDir, options.log);
  const config = loadGatewayConfig(options.configFile ?? undefined, options.env);
  for (const warning of config.warnings) options.log.warn({ warning }, 'config warning');
  // Team mode is `switchboard serve`'s: the tray app always keeps its data in the SQLite file in
  // its data folder, so a database URL in the config or environment is said to be ignored here
  // rather than silently dropped (the URL itself is never logged: it may hold a password).
  const databaseUrlFrom = config.databaseUrl !== undefined ? 'general_settings.database_url' : options.env.DATABASE_URL?.trim() ? 'DATABASE_URL' : undefined;
  if (databaseUrlFrom !== undefined) {
    options.log.warn({ warning: `${databaseUrlFrom} is ignored by the desktop app: it keeps its data in ${options.dataDir}; a shared database is for \`switchboard serve\` (team mode)` }, 'config warning');
  }
  // The same precedence as the CLI: the environment, then general_settings.master_key (which may
  // be a keychain/NAME or os.environ/NAME reference). Unlike the CLI, the app never runs in open
  // mode: with no key configured it uses the one in the keychain (generated on first run), since
  // a tray app runs all day beside every other local program. Resolved here because the tray's
  // client and the dashboard's session need it. A configured key shorter than 16 characters is
  // refused (ConfigError, shown like any config problem); the generated one has 52.
  const configured = await resolveAdminKey({ env: options.env, ref: config.masterKey, file: config.file, resolve: createCredentialResolver(options.env, options.secrets) });
  const admin = await ensureAdminKey(options.secrets, { configured });
  const masterKey = admin.key;
  const running = await startGateway({
    configFile: options.configFile ?? undefined,
    dataDir: options.dataDir,
    host: DESKTOP_HOST,
    port,
    masterKey,
    env: options.env,
    log: options.log,
    secrets: options.secrets,
    sqliteNativeBinding: options.sqliteNativeBinding,
    // The app's user adds models in the dashboard: an empty model_list is where they start.
    allowEmpty: true,
    checkLocalServers: true,
    // Usage batches written off the event loop: Electron (17+) runs worker threads from app.asar.
    usageWorker: true,
    ...(options.secretRedactor ? { secretRedactor: options.secretRedactor } : {}),
    ...(options.onNewApp ? { onNewApp: options.onNewApp } : {}),
  }, config);
  const app = running.gateway.app;
  return {
    url: running.url,
    port: running.port,
    adminKey: masterKey,
    adminKeySource: admin.source,
    inject: async (request) => {
      const response = await app.inject(request);
      return { statusCode: response.statusCode, body: response.body };
    },
    close: () => running.close(),
    closeNow: () => {
      running.usage.close();
      running.db.db.close();
    },
    flushUsage: () => void running.usage.flush(),
  };
}
