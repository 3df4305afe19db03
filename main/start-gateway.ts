// Assembles and starts the whole gateway from options: config, the SQLite store in the data
// directory, keys, metering, and the fastify server, then listens. Shared by the headless CLI
// and the Electron shell so both run the same thing. close() stops accepting, lets requests
// finish, flushes usage and closes the database, in that order.
import { requestLineLogger } from './create-logger.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { loadConfigFile, parseConfigText, type GatewayConfig } from './config/load-config.js';
import { DEFAULT_CONFIG_YAML } from './config/default-config.js';
import { createServer, type Gateway, type ServerDeps } from './gateway/create-server.js';
import type { ReadinessReport } from './gateway/routes/health-routes.js';
import { ConfigError } from './core/config-error.js';
import { createCredentialResolver, type CredentialResolver } from './secrets/resolve-credential.js';
import type { SecretStore } from './secrets/secret-store.js';
import { withSecretCache } from './secrets/with-secret-cache.js';
import { withSeenSecrets } from './secrets/with-seen-secrets.js';
import { plaintextKeyWarnings } from './secrets/find-literal-keys.js';
import { createDataDirAdminKey } from './secrets/data-dir-admin-key.js';
import { findAdminKeyOrigin } from './find-admin-key-origin.js';
import { warnMissingKeychainKeys } from './secrets/warn-missing-keychain-keys.js';
import { openDatabase, type OpenedDatabase } from './storage/open-database.js';
import { systemClock, type Clock } from './storage/clock.js';
import { createKeyRepository, type KeyRepository } from './keys/key-repository.js';
import { createCallerRoles } from './keys/caller-roles.js';
import { createTeamRepository } from './keys/team-repository.js';
import { createAppRepository } from './apps/app-repository.js';
import { createAppBudgetLedger } from './metering/app-budget-ledger.js';
import { createAppRules } from './apps/app-rules.js';
import { onlyAllowedAppsOf } from './config/only-allowed-apps.js';
import { ACTIVE_MODEL_ALIAS } from './routing/active-model.js';
import { createUserRepository } from './keys/user-repository.js';
import { createKeyVerifier } from './keys/verify-key.js';
import { createVirtualKeyLookup } from './keys/virtual-key-lookup.js';
import { createBudgetLedger } from './metering/budget-ledger.js';
import { formatUsd } from '../shared/format-usd.js';
import { isDeploymentPriced } from './metering/is-deployment-priced.js';
import { createSecretRedactor, type SecretRedactor } from './metering/redact-secrets.js';
import { chargeInterruptedRequests } from './metering/charge-interrupted-requests.js';
import { createRateLimiter } from './metering/rate-limiter.js';
import { createUsageLedger, type UsageLedger } from './metering/usage-ledger.js';
import { createUsageBatchWorker } from './metering/usage-batch-worker-client.js';
import { createGatewayWorkerThread, gatewayWorkerScript, type GatewayWorkerThread } from './core/gateway-worker-thread.js';
import { createPriceTable } from './metering/price-table.js';
import { createLedgerMeter } from './metering/create-ledger-meter.js';
import { pruneRawUsage } from './metering/prune-raw-usage.js';
import { parseHealthCheckSettings } from './routing/background-health-checks.js';
import { createUsageQueries } from './metering/usage-queries.js';
import { createSettingsRepository, type SettingsRepository } from './storage/settings-repository.js';
import { createModelRepository } from './storage/model-repository.js';
import { createBackupStore } from './storage/backup-store.js';
import { createResponseStore, type ResponseStore } from './storage/response-store.js';
import { storedResponsesMaxBytes } from './config/stored-responses-max-bytes.js';
import { createGatewaySettings, type GatewaySettings } from './config/gateway-settings.js';
import { isUnspecifiedHost } from './core/host-name.js';
import { createBudgetAlerts, type BudgetAlerts } from './metering/budget-alerts.js';
import { createAlertBudgetReader } from './metering/alert-budgets.js';
import { createWebhookPoster, type PostWebhook } from './metering/post-webhook.js';
import { createBudgetAlertWebhook, readAlertingConfig } from './config/budget-alert-webhook.js';
import { checkLocalServers, type LocalServerCheck } from './routing/check-local-servers.js';
import { formatLocalServersLine } from './routing/format-local-servers-line.js';
import { createCallerLookups, type CallerLookups } from './attribution/caller-lookups.js';
import { hasSocketOwnerLookup } from './attribution/find-socket-owner-for-platform.js';
import { processAttributionEnabled } from './config/process-attribution-enabled.js';
import { listenForOllamaClients, OLLAMA_LISTENER_HOST, type OllamaListener } from './gateway/ollama-listener.js';

export interface StartGatewayOptions {
  /** A config file, or undefined for the embedded default (a local Ollama). */
  configFile: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  /** The Ollama listener's port (--ollama-port); overrides general_settings.ollama_api.port. */
  ollamaPort?: number;
  /** Overrides general_settings.master_key (SWITCHBOARD_MASTER_KEY). */
  masterKey: string | undefined;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The OS keychain (keytar) in the product: `keychain/NAME` keys and the /credentials routes. */
  secrets?: SecretStore;
  clock?: Clock;
  /** The built dashboard (index.html + assets/); defaults to dist/renderer; null serves none. */
  dashboardDir?: string | null;
  /**
   * Start even when neither the config nor the database holds a model (--allow-empty; the desktop
   * app, whose user adds models in the dashboard). Otherwise that is a ConfigError: an empty or
   * mistyped config must not look like a working gateway.
   */
  allowEmpty?: boolean;
  /** better-sqlite3's compiled module when not node_modules' (the desktop app's Electron build). */
  sqliteNativeBinding?: string;
  /**
   * Learns the admin key and every provider key as the gateway reads them; the caller's logger
   * masks with the same one, and logged bodies do (S41). A fresh one when absent.
   */
  secretRedactor?: SecretRedactor;
  /** Sends budget alerts to the webhook; a real HTTP POST (5 s timeout, one retry) when absent. */
  postWebhook?: PostWebhook;
  /**
   * Called once per app name ever (persisted: a restart does not repeat it), the first time a
   * request without a key from that app is admitted (issue 19: the desktop's new-app notification).
   */
  onNewApp?: (app: string) => void;
  /**
   * After listening, ask the model servers on this machine what they serve and log one line
   * (what answers, what does not, and the fix). The CLI and the desktop app turn it on; tests
   * whose mock upstreams count requests leave it off.
   */
  checkLocalServers?: boolean;
  /**
   * Write the usage ledger's batches (rows, rollups, spend settlement) on a worker thread with its
   * own connection to the database file, off the event loop (usage-batch-worker-client.ts). The
   * CLI and the desktop app turn it on; tests running the TypeScript sources pass the script and
   * a loader (test/support/source-usage-worker.ts). Off: written in-thread, as before.
   */
  usageWorker?: boolean | { script: URL; execArgv?: string[] };
  /**
   * Per-process attribution's worker script (docs/app-attribution.md): tests running the
   * TypeScript sources pass the script and a loader (test/support/source-caller-worker.ts). When
   * absent it runs from the built gateway only. Either way general_settings.process_attribution,
   * SWITCHBOARD_PROCESS_ATTRIBUTION and the bound address decide whether it is on.
   */
  callerWorker?: { script: URL; execArgv?: string[] };
}

export interface RunningGateway {
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  port: number;
  /** The second loopback listener for Ollama clients (/ and /api/* only): its URL, or undefined when off or its port was taken. */
  ollamaUrl: string | undefined;
  db: OpenedDatabase;
  keys: KeyRepository;
  usage: UsageLedger;
  /** The Responses API's stored responses (previous_response_id, GET/DELETE /v1/responses/{id}). */
  responses: ResponseStore;
  settings: SettingsRepository;
  /** Retention, body logging and allowed browser origins, as changed live from the dashboard. */
  gatewaySettings: GatewaySettings;
  masterKeyConfigured: boolean;
  /** Settles once every `keychain/NAME` the models use was looked up and the missing ones warned about (not awaited before listening). */
  keychainChecked: Promise<void>;
  /** Budget alerts at 80% and 100% (log line and webhook). */
  budgetAlerts: BudgetAlerts;
  /** The start-up check of the local model servers (checkLocalServers), settled once it is logged. */
  localServers: Promise<LocalServerCheck[]> | undefined;
  /** Readiness turns 503 from now on (the start of a graceful shutdown); everything keeps being served. */
  drain(): void;
  /** Stops accepting, lets requests finish (cut after graceMs, default 5 s), flushes usage, closes the database. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export const DATABASE_FILE = 'switchboard.db';
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
const SHUTDOWN_GRACE_MS = 5_000;
/** Short enough that queued rows die young (a 1 s wait promoted them to V8's old space: +40 MB RSS under load). */
const USAGE_FLUSH_MS = 200;
/** Rows per write transaction; the background flush writes one batch per event-loop turn. */
const USAGE_BATCH_ROWS = 100;

/** dist/renderer beside the compiled main (dist/main), or from the repository root when run from source. */
export function defaultDashboardDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL(moduleUrl.includes('/dist/main/') ? '../renderer/' : '../dist/renderer/', moduleUrl));
}

/** Loads the config (ConfigError on a bad file) without touching anything else. */
export function loadGatewayConfig(configFile: string | undefined, env: NodeJS.ProcessEnv): GatewayConfig {
  if (!configFile) return parseConfigText(DEFAULT_CONFIG_YAML, '<default>', env);
  const config = loadConfigFile(configFile, env);
  // A literal key still works (in memory only, never copied to the database), but the user is
  // told at every start that it sits in plaintext in that file, by line, never by value.
  config.warnings.push(...plaintextKeyWarnings(configFile, readFileSync(configFile, 'utf8')));
  return config;
}

/** What both engines' gateways resolve before opening storage: secrets, the admin key and where it came from. */
export interface GatewayPrelude {
  clock: Clock;
  redact: SecretRedactor;
  secrets: SecretStore | undefined;
  resolveCredential: CredentialResolver;
  dataDirAdminKey: ReturnType<typeof createDataDirAdminKey>;
  masterKey: string | undefined;
  adminKeyOrigin: Awaited<ReturnType<typeof findAdminKeyOrigin>>;
}

export async function prepareGateway(options: StartGatewayOptions, config: GatewayConfig): Promise<GatewayPrelude> {
  const clock = options.clock ?? systemClock;
  const { log } = options;
  // Logged bodies never keep a secret the gateway holds: every key read, written or resolved is
  // remembered by the redactor as it passes (S41).
  const redact = options.secretRedactor ?? createSecretRedactor();
  // Cached reads: one keychain round trip per key a minute, not one per request.
  const secrets = options.secrets ? withSeenSecrets(withSecretCache(options.secrets, { now: () => clock.now() }), redact.remember) : undefined;
  const resolveCredential = createCredentialResolver(options.env, secrets, redact.remember);
  // The raw store, not the cached one: saving reads the key back from the keychain itself.
  const dataDirAdminKey = createDataDirAdminKey({ dataDir: options.dataDir, store: options.secrets, log });
  // Precedence: the environment and general_settings.master_key (the caller resolved them into
  // options.masterKey), then the key "Require keys" kept for this data directory, else open mode.
  const masterKey = options.masterKey ?? (await resolveCredential(config.masterKey)) ?? (await dataDirAdminKey.load());
  redact.remember(masterKey);
  const adminKeyOrigin = await findAdminKeyOrigin({ masterKey, env: options.env, config, resolve: resolveCredential, dataDir: dataDirAdminKey });
  // The config's literal and os.environ/ keys are known now, before any request uses them; the
  // keychain is not read ahead (its keys are remembered at their first read).
  for (const deployment of config.deployments) {
    if (deployment.credential.kind === 'literal' || deployment.credential.kind === 'env') resolveCredential(deployment.credential);
  }
  return { clock, redact, secrets, resolveCredential, dataDirAdminKey, masterKey, adminKeyOrigin };
}

/** "Require keys" (the admin-key routes): where the key is kept and what is logged when it changes; the same on both engines. */
export function requireKeysDeps(prelude: GatewayPrelude, log: Logger): NonNullable<ServerDeps['requireKeys']> {
  const { dataDirAdminKey, redact } = prelude;
  return {
    origin: prelude.adminKeyOrigin,
    save: (key) => dataDirAdminKey.save(key),
    replace: (key) => dataDirAdminKey.replace(key),
    remove: () => dataDirAdminKey.remove(),
    onRequired: (key, saved) => {
      redact.remember(key);
      log.info({ storedIn: saved.stored_in, location: saved.location }, `keys are now required: an admin key was created and kept in ${saved.location}; requests without a key are refused from now on`);
    },
    onRotated: (key, saved) => {
      redact.remember(key);
      log.info({ storedIn: saved.stored_in, location: saved.location }, `the admin key was rotated: the new one is kept in ${saved.location}; the old one is refused from now on`);
    },
    onRemoved: () => {
      log.warn('the admin key was removed: the gateway is open to every local process again, from now on and at the next start');
    },
  };
}

export async function startGateway(options: StartGatewayOptions, config = loadGatewayConfig(options.configFile, options.env)): Promise<RunningGateway> {
  const { log } = options;
  const prelude = await prepareGateway(options, config);
  const { clock, redact, secrets, resolveCredential, masterKey } = prelude;

  const db = openDatabase({ file: join(options.dataDir, DATABASE_FILE), log, clock, nativeBinding: options.sqliteNativeBinding });
  if (db.movedAsideTo) log.warn({ movedAsideTo: db.movedAsideTo }, 'the database was damaged; it was moved aside and a new one created');
  try {
    const storedModels = createModelRepository(db.db, clock);
    if (!options.allowEmpty && config.deployments.length === 0 && storedModels.list().length === 0) {
      throw new ConfigError(config.file, undefined, `no models to serve: model_list is empty and no models were added in the dashboard (data dir ${options.dataDir}); add one under model_list, or start with --allow-empty and add models in the dashboard`);
    }
    let budgetAlerts: BudgetAlerts | undefined;
    // The usage writer and the caller lookups share one worker thread (one isolate's RSS, not two).
    const workerThread = gatewayWorkerThreadFor(options);
    // From the TypeScript sources (tests running serve's or the app's code) a plain worker cannot
    // load the .ts script: `true` then writes in-thread; tests that want the worker pass its loader.
    const worker = options.usageWorker && (typeof options.usageWorker === 'object' || !gatewayWorkerScript().pathname.endsWith('.ts'))
      ? createUsageBatchWorker({
        file: db.file, log, thread: workerThread,
        ...(options.sqliteNativeBinding === undefined ? {} : { nativeBinding: options.sqliteNativeBinding }),
      })
      : undefined;
    const usage = createUsageLedger(db.db, {
      clock, log, flushIntervalMs: USAGE_FLUSH_MS, maxBatch: USAGE_BATCH_ROWS, onKeysCharged: () => budgetAlerts?.check(),
      ...(worker ? { offThread: worker } : {}),
    });
    const keys = withSettledSpend(createKeyRepository(db.db, clock), usage, log);
    const teams = createTeamRepository(db.db, clock, { keys });
    const users = createUserRepository(db.db, clock, { keys });
    const apps = createAppRepository(db.db, clock);
    // A team blocked, its limits or models changed, a user's models changed: the keys they own are re-read.
    const verifier = createKeyVerifier(keys, clock, { owners: { teams, users } });
    const settings = createSettingsRepository(db.db);
    const gatewaySettings = createGatewaySettings(settings);
    const alertWebhook = createBudgetAlertWebhook({ storage: settings, secrets, resolve: resolveCredential, config: readAlertingConfig(config.generalSettings) });
    budgetAlerts = createBudgetAlerts({
      readBudgets: createAlertBudgetReader(db.db),
      webhookUrl: () => alertWebhook.url(),
      post: options.postWebhook ?? createWebhookPoster(),
      log,
      enabled: () => readAlertingConfig(config.generalSettings).budgetAlerts,
    });
    const budget = createBudgetLedger(db.db, { clock, beforeRefusing: () => usage.flush() });
    const appBudget = createAppBudgetLedger(db.db, { clock, beforeRefusing: () => usage.flush() });
    const interrupted = chargeInterruptedRequests({ db: db.db, usage, budget, appBudget });
    if (interrupted.requests > 0) {
      log.warn(
        { requests: interrupted.requests, chargedMicros: interrupted.chargedMicros },
        `The previous run stopped with ${interrupted.requests} budgeted request(s) unrecorded; charged each its reserved worst case (${formatUsd(interrupted.chargedMicros)} in all) as 'interrupted' usage rows.`,
      );
    }
    const maxStoredBytes = storedResponsesMaxBytes(config.generalSettings);
    // Conversations are stored like logged bodies: never with a key the gateway holds (S41).
    const responses = createResponseStore(db.db, { clock, redact: (text) => redact(text), ...(maxStoredBytes === undefined ? {} : { maxStoredBytes }) });
    const limiter = createRateLimiter({ clock });
    const prices = createPriceTable(undefined, { now: () => clock.now() });
    // Rules for requests without a key, by app name: a Map and a Set in memory, loaded now.
    const appRules = createAppRules({ store: apps, log, ...(options.onNewApp ? { onNewApp: options.onNewApp } : {}) });
    appRules.load();
    const meter = createLedgerMeter({
      prices, budget, limiter, usage, clock, log, requestLog: requestLineLogger(log),
      // Read per request: the dashboard's switch applies to the next request.
      bodyLogging: () => gatewaySettings.bodyLogging(), redact,
      apps: { rules: appRules, budget: appBudget, activeAlias: ACTIVE_MODEL_ALIAS, onlyAllowedApps: onlyAllowedAppsOf(gatewaySettings, config.generalSettings) },
    });

    let draining = false;
    const probeDatabase = db.db.prepare('SELECT count(*) AS n FROM sqlite_master');
    const readiness = (): ReadinessReport => {
      if (draining) return { status: 'not_ready', reason: 'draining', db: 'connected' };
      // A probe must answer, not wait: a lock held elsewhere is "not ready" now, not after the busy timeout.
      let busyTimeout: number | undefined;
      try {
        busyTimeout = db.db.pragma('busy_timeout', { simple: true }) as number;
        db.db.pragma('busy_timeout = 0');
        probeDatabase.get();
      } catch (error) {
        log.warn({ err: error }, 'readiness: the database cannot be read');
        return { status: 'not_ready', reason: 'database unavailable', db: 'unavailable' };
      } finally {
        if (busyTimeout !== undefined && db.db.open) db.db.pragma(`busy_timeout = ${busyTimeout}`);
      }
      return { status: 'connected', db: 'connected', models: gateway.router().groups().length };
    };

    // One lookup per accepted loopback connection, on a worker thread started at the first one.
    const callers = startCallerLookups(options, config.generalSettings, log, workerThread);
    let ollamaListenerPort: number | undefined;
    const gateway = await createServer({
      readiness,
      ollamaListenerPort: () => ollamaListenerPort,
      config, log, masterKey, resolveCredential, meter, virtualKeys: createVirtualKeyLookup(verifier), keys, port: options.port,
      teams, users, apps, callerRoles: createCallerRoles(db.db),
      spend: { queries: createUsageQueries(db.db), flush: () => void usage.flush() }, settingsRepository: settings,
      priced: (deployment) => isDeploymentPriced(prices, deployment),
      now: () => clock.now(),
      healthChecks: parseHealthCheckSettings(config.generalSettings),
      ...(secrets ? { credentials: { store: secrets, env: options.env } } : {}),
      models: { store: storedModels, env: options.env }, backup: createBackupStore(db.db), activeModelFollowsWorkingModels: true, gatewaySettings, host: options.host, responses, budgetAlerts: alertWebhook,
      ...(options.dashboardDir === null ? {} : { dashboardDir: options.dashboardDir ?? defaultDashboardDir() }),
      requireKeys: requireKeysDeps(prelude, log),
      ...(callers ? { callers } : {}),
    });
    await gateway.app.listen({ host: options.host, port: options.port });
    const address = gateway.app.server.address();
    const port = address && typeof address === 'object' ? address.port : options.port;
    const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
    const configuredOllamaPort = options.ollamaPort ?? config.ollamaApi.port;
    // The main port already serves /api/*: a second listener there would only fail to bind and
    // blame "a running Ollama".
    if (configuredOllamaPort !== undefined && configuredOllamaPort !== 0 && configuredOllamaPort === port) {
      log.warn({ port }, `the Ollama listener's port ${port} is the gateway's own port, which already serves the Ollama-compatible API at http://${isUnspecifiedHost(options.host) ? '127.0.0.1' : shownHost}:${port}/api; no second listener started`);
    }
    const ollamaPort = configuredOllamaPort === port && configuredOllamaPort !== 0 ? undefined : configuredOllamaPort;
    const ollama: OllamaListener | undefined = ollamaPort === undefined ? undefined : await listenForOllamaClients({
      app: gateway.app, port: ollamaPort, mainUrl: `http://${isUnspecifiedHost(options.host) ? '127.0.0.1' : shownHost}:${port}`, log,
      ...(callers ? { callers } : {}),
    });
    ollamaListenerPort = ollama?.port;

    // Off the start path: the first request is served while the servers are still being asked.
    const localCheck = new AbortController();
    const localServers = options.checkLocalServers
      ? announceLocalServers(gateway, log, localCheck.signal).catch((error: unknown) => {
        log.debug({ err: error }, 'the start-up check of the local model servers failed');
        return [];
      })
      : undefined;

    const sweep = () => {
      try {
        keys.resetDueBudgets();
        const { cutoff } = pruneRawUsage(db.db, { clock, retentionDays: gatewaySettings.retentionDays() });
        // Stored responses live exactly as long as the usage rows of the requests that made them.
        responses.prune(cutoff);
      } catch (error) {
        log.warn({ err: error }, 'retention sweep failed; will retry');
      }
    };
    sweep();
    // Warned at start, not at the first request; a slow or locked keychain must not delay the ready line.
    const keychainChecked = warnMissingKeychainKeys({ deployments: gateway.router().groups().flatMap((g) => g.deployments), store: secrets, log })
      .catch((error: unknown) => log.debug({ err: error }, 'keychain reference check failed'));
    const sweepTimer = setInterval(sweep, RETENTION_SWEEP_MS);
    sweepTimer.unref();

    let closing: Promise<void> | undefined;
    return {
      gateway, config, url: `http://${shownHost}:${port}`, port, db,
      ollamaUrl: ollama?.port === undefined ? undefined : `http://${OLLAMA_LISTENER_HOST}:${ollama.port}`, keys, usage, responses, settings, gatewaySettings,
      masterKeyConfigured: masterKey !== undefined,
      keychainChecked,
      budgetAlerts,
      localServers,
      drain() {
        if (!draining) log.info('draining: readiness answers 503 from now on; requests are still served');
        draining = true;
      },
      close({ graceMs = SHUTDOWN_GRACE_MS } = {}) {
        draining = true;
        closing ??= (async () => {
          clearInterval(sweepTimer);
          localCheck.abort();
          await localServers;
          // In-flight streams may run for minutes (or stall): give them a grace period, then cut
          // them so the usage of every request is still recorded and the process can exit.
          const forced = setTimeout(() => gateway.app.server.closeAllConnections(), graceMs);
          forced.unref();
          await Promise.all([ollama?.close(), gateway.close()]);
          clearTimeout(forced);
          // Before the ledger closes: rows still waiting for their lookup are written now, under their User-Agent's name.
          await callers?.close();
          usage.close();
          await budgetAlerts?.settled();
          verifier.dispose();
          appRules.dispose();
          db.db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    db.db.close();
    throw error;
  }
}

/**
 * The gateway's one worker thread for its background services (gateway-worker-thread.ts), started
 * by the first service that needs it: from the script and loader a test passes, else the built one.
 */
export function gatewayWorkerThreadFor(options: StartGatewayOptions): GatewayWorkerThread {
  const source = (typeof options.usageWorker === 'object' ? options.usageWorker : undefined) ?? options.callerWorker;
  return createGatewayWorkerThread(source);
}

/** The per-connection process lookups, or undefined when attribution is off (see processAttributionEnabled). */
export function startCallerLookups(options: StartGatewayOptions, generalSettings: Readonly<Record<string, unknown>>, log: Logger, thread: GatewayWorkerThread = gatewayWorkerThreadFor(options)): CallerLookups | undefined {
  const enabled = processAttributionEnabled({ generalSettings, env: options.env, host: options.host, platformSupported: hasSocketOwnerLookup() });
  if (!enabled) return undefined;
  // From the TypeScript sources the worker needs a loader: only tests that pass one get it.
  if (options.callerWorker === undefined && gatewayWorkerScript().pathname.endsWith('.ts')) return undefined;
  return createCallerLookups({ log, startNow: true, thread });
}

async function announceLocalServers(gateway: Gateway, log: Logger, signal: AbortSignal): Promise<LocalServerCheck[]> {
  const deployments = gateway.router().groups().flatMap((g) => g.deployments);
  const checks = await checkLocalServers(gateway.probe, deployments, { signal });
  const said = formatLocalServersLine(checks);
  if (said && !signal.aborted) log[said.level]({ localServers: checks.map((c) => ({ address: c.address, reachable: c.reachable, ready: c.ready })) }, said.line);
  return checks;
}

/**
 * Key spend and last use are written when a request's usage row is (batched, up to a second
 * later), so every read that shows a key flushes the queue first: /key/info right after a
 * request must show what that request cost. A failed flush keeps the rows queued (the ledger
 * logs it) and the read shows the last written spend rather than failing.
 */
function withSettledSpend(keys: KeyRepository, usage: UsageLedger, log: Logger): KeyRepository {
  const settle = () => {
    try {
      usage.flush();
    } catch (error) {
      log.debug({ err: error }, 'key read: usage not flushed; showing the last written spend');
    }
  };
  return {
    ...keys,
    update: (ref, fields) => (settle(), keys.update(ref, fields)),
    info: (ref) => (settle(), keys.info(ref)),
    list: (options) => (settle(), keys.list(options)),
    regenerate: (ref) => (settle(), keys.regenerate(ref)),
    block: (ref) => (settle(), keys.block(ref)),
    unblock: (ref) => (settle(), keys.unblock(ref)),
  };
}
