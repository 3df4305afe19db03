// `switchboard serve`: the headless entry point (no Electron). Loads the config, builds the
// gateway with startGateway (SQLite) or startTeamGateway (a PostgreSQL URL: team mode), listens on
// 127.0.0.1 by default and prints the ready line. A bad config exits 2 with one line naming file,
// line and problem; a database that cannot be reached exits 1; never prints a secret.
import { networkInterfaces } from 'node:os';
import type { ServeOptions } from '../cli-args.js';
import type { GatewayConfig } from '../config/load-config.js';
import { ConfigError } from '../core/config-error.js';
import { isGatewayError } from '../core/gateway-error.js';
import { isLoopbackHost } from '../core/host-name.js';
import { createLogger } from '../create-logger.js';
import { lanHostNames } from '../gateway/lan-host-names.js';
import { createSecretRedactor } from '../metering/redact-secrets.js';
import { resolveAdminKey } from '../secrets/admin-key.js';
import { AdminKeyUnreadableError, loadDataDirAdminKey } from '../secrets/data-dir-admin-key.js';
import { createCredentialResolver } from '../secrets/resolve-credential.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { loadGatewayConfig, startGateway, type RunningGateway } from '../start-gateway.js';
import { ensurePrivateDirectory } from '../storage/ensure-private-directory.js';
import { tuneGatewayMemory } from '../tune-gateway-memory.js';
import { chooseLogFormat } from './choose-log-format.js';
import { readDrainSettings, type DrainSettings } from './read-drain-settings.js';
import { checkTeamMode } from './check-team-mode.js';
import { reachableHost } from './locate-gateway.js';
import { createBatchedLogDestination } from '../batched-log-destination.js';
import { createPrettyLogDestination } from './pretty-log-destination.js';
import { readVersion } from './read-version.js';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file.js';

export async function serveCommand(options: ServeOptions, env: NodeJS.ProcessEnv, secrets: SecretStore): Promise<number> {
  // A long-running server: V8's heap and glibc's arenas sized for it, before any worker starts.
  const memoryTuning = tuneGatewayMemory();
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
  let drainSettings: DrainSettings;
  try {
    drainSettings = readDrainSettings(env, !isLoopbackHost(options.host));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`switchboard: config error: ${error.message}\n`);
    return 2;
  }
  for (const warning of config.warnings) process.stderr.write(`switchboard: warning: ${warning}\n`);
  const teamMode = checkTeamMode(options, env, config);
  if (teamMode?.kind === 'refuse') {
    process.stderr.write(`switchboard: ${teamMode.line}\n`);
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
  // Gathered (a write(2) per request line was 6.6 % of the gateway's busy CPU under load, issue
  // 18): up to 8 KB of lines per write, none held more than 50 ms, what waits written at exit. A
  // destination that fails (its reader gone, a full disk) is given up, never retried: see
  // batched-log-destination.ts.
  const logSink = createBatchedLogDestination({ fd: 2, minBytes: 8_192, maxDelayMs: 50 });
  const logFormat = chooseLogFormat(options.logFormat, process.stderr.isTTY === true);
  const log = createLogger({ level: options.logLevel, destination: logFormat === 'pretty' ? createPrettyLogDestination(logSink) : logSink, mask: secretRedactor });
  log.debug(memoryTuning, 'memory settings');
  try {
    ensurePrivateDirectory(options.dataDir, log);
  } catch (error) {
    process.stderr.write(`switchboard: cannot create the data directory ${options.dataDir}: ${(error as Error).message}\n`);
    return 1;
  }
  let running: Pick<RunningGateway, 'url' | 'port' | 'ollamaUrl' | 'masterKeyConfigured' | 'drain' | 'close'>;
  try {
    if (teamMode?.kind === 'postgresql') {
      log.info({ database: teamMode.url.masked, source: teamMode.source, poolLimit: teamMode.poolLimit }, teamMode.line);
      // Loaded only now: an SQLite gateway never loads the PostgreSQL driver.
      const { startTeamGateway } = await import('../start-team-gateway.js');
      running = await startTeamGateway({
        ...options, masterKey, env, log, secrets, secretRedactor, database: teamMode.url, ...(teamMode.poolLimit === undefined ? {} : { poolLimit: teamMode.poolLimit }),
      }, config);
    } else {
      running = await startGateway({ ...options, masterKey, env, log, secrets, secretRedactor, checkLocalServers: true,
        // SWITCHBOARD_USAGE_WORKER=0 writes usage on the event loop, as before the worker (A/B, a fallback).
        usageWorker: env.SWITCHBOARD_USAGE_WORKER !== '0',
      }, config);
    }
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
  // SIGTERM drains as Kubernetes expects: readiness fails at once while requests are still served
  // (the endpoints controller and load balancers take seconds to notice), then new connections are
  // refused and in-flight requests and streams get the grace period. A second signal is an
  // operator who will not wait: exit at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
        process.exit(1);
      }
      stopping = true;
      running.drain();
      const delayMs = signal === 'SIGTERM' ? drainSettings.drainDelayMs : 0;
      log.info({ signal, drainDelayMs: delayMs, graceMs: drainSettings.graceMs }, 'shutting down');
      removeRuntimeFile(options.dataDir, process.pid);
      setTimeout(() => {
        running.close({ graceMs: drainSettings.graceMs }).then(() => resolve(0), (error: unknown) => {
          log.error({ err: error }, 'error while shutting down');
          resolve(1);
        });
      }, delayMs);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
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
    // A wildcard admits names but is not one a client can be sent to.
    const names = lanHostNames(options.host, networkInterfaces(), config.allowedHosts).filter((name) => !name.startsWith('*.'));
    lines.push(`LAN access on: other machines can use ${names.map((name) => `http://${name}:${running.port}`).join(', ') || '(no network address found)'} with the admin key or a virtual key.`);
  }
  // Which database this replica shares, where the person starting it looks (the log may be JSON or warn-level).
  if (teamMode?.kind === 'postgresql') lines.push(`${teamMode.line}.`);
  if (running.ollamaUrl !== undefined) lines.push(`Ollama-compatible API also on ${running.ollamaUrl} (/ and /api/*).`);
  if (config.file === '<default>') {
    lines.push(`No --config given: serving the default local Ollama model (${config.deployments.map((d) => d.modelName).join(', ')}).`);
  }
  if (!running.masterKeyConfigured) lines.push('No admin key set: the gateway accepts local requests without a key.');
  // The start-up log lines (warnings included) come out before the ready lines, not up to 50 ms after.
  logSink.flushSync();
  process.stdout.write(`${lines.join('\n')}\n`);
  return stopped;
}

function describeStartError(error: unknown, options: ServeOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `cannot listen on ${options.host}:${options.port}: port ${options.port} is already in use (is Switchboard already running? choose another with --port)`;
  if (code === 'EACCES') return `cannot listen on ${options.host}:${options.port}: not allowed to use port ${options.port}`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${options.host}:${options.port}: address ${options.host} is not available on this machine`;
  return (error as Error).message ?? String(error);
}
