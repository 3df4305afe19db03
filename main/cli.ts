// `switchboard serve`: the headless entry point (no Electron). Loads the config, builds the
// gateway with createServer, listens on 127.0.0.1 by default and prints the ready line. A bad
// config exits 2 with one line naming file, line and problem; never prints a secret.
// `switchboard keys import --config FILE` moves a config's plaintext keys into the OS keychain.
// The commands for a running gateway (status, models, keys list|create|revoke, usage, logs) live
// in main/cli/, one per file; this file dispatches to them.
import { networkInterfaces } from 'node:os';
import pino from 'pino';
import { createLogger } from './create-logger.js';
import { createSecretRedactor } from './metering/redact-secrets.js';
import { parseArgs, USAGE, type KeysImportOptions, type ServeOptions } from './cli-args.js';
import type { ClientArgs } from './cli/parse-client-args.js';
import { isLoopbackHost } from './core/host-name.js';
import { lanHostNames } from './gateway/lan-host-names.js';
import type { GatewayConfig } from './config/load-config.js';
import { ConfigError } from './core/config-error.js';
import { createCredentialResolver } from './secrets/resolve-credential.js';
import { createKeytarSecretStore } from './secrets/keytar-secret-store.js';
import { importConfigKeys } from './secrets/import-config-keys.js';
import { resolveAdminKey } from './secrets/admin-key.js';
import { AdminKeyUnreadableError, loadDataDirAdminKey } from './secrets/data-dir-admin-key.js';
import { isSecretStoreError, type SecretStore } from './secrets/secret-store.js';
import { isGatewayError } from './core/gateway-error.js';
import { ensurePrivateDirectory } from './storage/ensure-private-directory.js';
import { chooseStorageEngine, DatabaseUrlSourceError } from './storage/choose-storage-engine.js';
import { loadGatewayConfig, startGateway, type RunningGateway } from './start-gateway.js';
import { chooseLogFormat } from './cli/choose-log-format.js';
import { createPrettyLogDestination } from './cli/pretty-log-destination.js';
import { readVersion } from './cli/read-version.js';
import { runClientCommand } from './cli/run-client-command.js';
import { removeRuntimeFile, writeRuntimeFile } from './cli/runtime-file.js';
import { reachableHost } from './cli/locate-gateway.js';

export interface CliDeps {
  /** The OS keychain (keytar, loaded on first use) unless a test passes another store. */
  secrets?: SecretStore;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, deps: CliDeps = {}): Promise<number> {
  const parsed = parseArgs(argv, env);
  if (parsed.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.command === 'version') {
    process.stdout.write(`switchboard ${readVersion()}\n`);
    return 0;
  }
  if (parsed.command === 'error') {
    process.stderr.write(`switchboard: ${parsed.message}\nsee \`switchboard --help\`\n`);
    return 2;
  }
  // Creating the store loads nothing: keytar is imported on the first keychain call, so a machine
  // without libsecret still serves every model that needs no keychain key.
  const secrets = deps.secrets ?? createKeytarSecretStore();
  if (parsed.command === 'keys-import') return importKeys(parsed, secrets);
  if (parsed.command === 'client') return runClient(parsed, env, secrets);
  return serve(parsed, env, secrets);
}

async function runClient(args: ClientArgs, env: NodeJS.ProcessEnv, secrets: SecretStore): Promise<number> {
  // `logs -f` runs until interrupted; Ctrl-C ends it with 0 like any other finished command.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await runClientCommand(args, env, secrets, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      stdoutIsTerminal: process.stdout.isTTY === true,
      stop: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function importKeys(options: KeysImportOptions, secrets: SecretStore): Promise<number> {
  try {
    const result = await importConfigKeys({ file: options.configFile, store: secrets });
    if (result.imported.length === 0) {
      process.stdout.write(`No plaintext keys in ${options.configFile}; nothing to do.\n`);
      return 0;
    }
    process.stdout.write(`Moved ${result.imported.length} key(s) from ${options.configFile} into the ${secrets.location}:\n`);
    for (const key of result.imported) process.stdout.write(`  line ${key.line}: ${key.path} -> keychain/${key.name}${key.alreadyStored ? ' (already there)' : ''}\n`);
    process.stdout.write(`The original file is kept as ${result.backup}; it still holds the keys in plaintext: delete it once Switchboard starts fine.\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: config error: ${error.message}\n`);
      return 2;
    }
    if (isSecretStoreError(error)) {
      process.stderr.write(`switchboard: cannot move the keys into the OS keychain, so ${options.configFile} was not changed: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`switchboard: keys import failed, ${options.configFile} was not changed: ${(error as Error).message}\n`);
    return 1;
  }
}

async function serve(options: ServeOptions, env: NodeJS.ProcessEnv, secrets: SecretStore): Promise<number> {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(options.configFile, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: config error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const warning of config.warnings) process.stderr.write(`switchboard: warning: ${warning}\n`);
  const refusal = refuseTeamMode(options, env, config);
  if (refusal !== null) {
    process.stderr.write(`switchboard: ${refusal}\n`);
    return 2;
  }

  let masterKey: string | undefined;
  try {
    masterKey = await resolveAdminKey({ env, ref: config.masterKey, file: config.file, resolve: createCredentialResolver(env, secrets) });
  } catch (error) {
    // A key shorter than 16 characters is a config error like any other.
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: config error: ${error.message}\n`);
      return 2;
    }
    // A keychain admin key that cannot be read must stop the start, never fall back to open mode.
    if (!isGatewayError(error)) throw error;
    process.stderr.write(`switchboard: cannot read the admin key (general_settings.master_key): ${error.message}\n`);
    return 1;
  }
  if (masterKey === undefined) {
    // The key the dashboard's "Require keys" kept for this data directory: keys stay required after a restart.
    try {
      masterKey = await loadDataDirAdminKey(options.dataDir, secrets);
    } catch (error) {
      if (!(error instanceof AdminKeyUnreadableError)) throw error;
      process.stderr.write(`switchboard: cannot read the admin key: ${error.message}\n`);
      return 1;
    }
  }
  if (!isLoopbackHost(options.host) && masterKey === undefined) {
    process.stderr.write(`switchboard: refusing to listen on ${options.host} without an admin key: set SWITCHBOARD_MASTER_KEY or general_settings.master_key, or use --host 127.0.0.1\n`);
    return 2;
  }
  // startGateway teaches the redactor the admin key and each provider key as it reads them.
  const secretRedactor = createSecretRedactor();
  // Pretty lines for a person watching stderr; JSON lines for a file, a pipe or a collector.
  const logSink = pino.destination(2);
  const logFormat = chooseLogFormat(options.logFormat, process.stderr.isTTY === true);
  const log = createLogger({ level: options.logLevel, destination: logFormat === 'pretty' ? createPrettyLogDestination(logSink) : logSink, mask: secretRedactor });
  try {
    ensurePrivateDirectory(options.dataDir, log);
  } catch (error) {
    process.stderr.write(`switchboard: cannot create the data directory ${options.dataDir}: ${(error as Error).message}\n`);
    return 1;
  }
  let running: RunningGateway;
  try {
    running = await startGateway({ ...options, masterKey, env, log, secrets, secretRedactor, checkLocalServers: true }, config);
  } catch (error) {
    // No models without --allow-empty is a config problem: exit 2 like the others.
    if (error instanceof ConfigError) {
      process.stderr.write(`switchboard: config error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`switchboard: ${describeStartError(error, options)}\n`);
    return 1;
  }
  // Handlers first: a supervisor (or test) may send SIGTERM the moment it reads the ready line,
  // and the default action would exit without writing the queued usage rows.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      removeRuntimeFile(options.dataDir, process.pid);
      running.close().then(() => resolve(0), (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        resolve(1);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  // One write: a reader that acts on the ready line sees the lines about it in the same chunk.
  const localUrl = `http://${reachableHost(options.host)}:${running.port}`;
  // Other commands (status, keys, logs...) find this gateway through the data dir.
  try {
    writeRuntimeFile(options.dataDir, { url: localUrl, pid: process.pid, version: readVersion(), startedAt: new Date().toISOString() });
  } catch (error) {
    log.warn({ err: error }, `could not write ${options.dataDir}/gateway.json: other switchboard commands need --port to find this gateway`);
  }
  const lines = [`Switchboard listening on ${running.url}`, `Dashboard: ${localUrl}/${running.masterKeyConfigured ? ' (sign in with the admin key)' : ''}`];
  if (!isLoopbackHost(options.host)) {
    const names = lanHostNames(options.host, networkInterfaces(), config.allowedHosts);
    lines.push(`LAN access on: other machines can use ${names.map((name) => `http://${name}:${running.port}`).join(', ') || '(no network address found)'} with the admin key or a virtual key.`);
  }
  if (running.ollamaUrl !== undefined) lines.push(`Ollama-compatible API also on ${running.ollamaUrl} (/ and /api/*).`);
  if (config.file === '<default>') {
    lines.push(`No --config given: serving the default local Ollama model (${config.deployments.map((d) => d.modelName).join(', ')}).`);
  }
  if (!running.masterKeyConfigured) lines.push('No admin key set: the gateway accepts local requests without a key.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return stopped;
}

/**
 * Until the repositories run on PostgreSQL, a PostgreSQL URL stops the start: running on SQLite
 * instead would split a team's keys and spend across replicas without anyone noticing.
 * Returns the line to print, or null to start on SQLite. The URL is shown masked.
 */
function refuseTeamMode(options: ServeOptions, env: NodeJS.ProcessEnv, config: GatewayConfig): string | null {
  let choice;
  try {
    choice = chooseStorageEngine({ flag: options.databaseUrl, env, config: config.databaseUrl });
  } catch (error) {
    if (!(error instanceof DatabaseUrlSourceError)) throw error;
    return error.source.startsWith('general_settings.') ? `config error: ${config.file}: ${error.message}` : error.message;
  }
  if (choice.engine === 'sqlite') return null;
  const remedy = choice.source.startsWith('--database-url')
    ? 'leave out --database-url'
    : choice.source.startsWith('DATABASE_URL')
      ? 'unset DATABASE_URL (or start with DATABASE_URL= )'
      : `remove general_settings.database_url from ${config.file}`;
  return (
    `${choice.source} selects PostgreSQL (${choice.url.masked}), but team mode on PostgreSQL is not available in this version yet, ` +
    `so Switchboard does not start rather than keep keys and usage in a local file other replicas cannot see. ` +
    `To run on the embedded SQLite database in ${options.dataDir}, ${remedy}.`
  );
}

function describeStartError(error: unknown, options: ServeOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `cannot listen on ${options.host}:${options.port}: port ${options.port} is already in use (is Switchboard already running? choose another with --port)`;
  if (code === 'EACCES') return `cannot listen on ${options.host}:${options.port}: not allowed to use port ${options.port}`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${options.host}:${options.port}: address ${options.host} is not available on this machine`;
  return (error as Error).message ?? String(error);
}
