// Team mode: the same gateway as startGateway, on a PostgreSQL database shared by every replica.
// Opens the pool (general_settings.database_connection_pool_limit), applies the PostgreSQL
// migrations (once across replicas, under the runner's advisory lock), builds the repositories on
// the pool (keys, budget ledger, settings, models, usage, responses: each call a Promise), the
// shared rate limiter (rpm/tpm/parallel counted in the database, so limits hold across replicas)
// and the same fastify server, then listens. Across replicas: the change feed re-reads what another
// replica changed (keys, models, settings) within a second; the periodic sweeps run on the one
// replica holding the leader lease; budget alerts are announced once across replicas (each
// threshold claimed in the database first); readiness probes the database (503 while it is unreachable,
// ready again once it answers, no restart). Loaded only with a postgresql:// URL (a dynamic
// import), so the desktop and an SQLite `serve` never load `pg`. Never logs or reports the URL's
// password: only its masked form.
import { requestLineLogger } from './create-logger.js';
import { createServer, type Gateway } from './gateway/create-server.js';
import type { ReadinessReport } from './gateway/routes/health-routes.js';
import type { GatewayConfig } from './config/load-config.js';
import { ConfigError } from './core/config-error.js';
import { loadGatewaySettings, type GatewaySettings } from './config/gateway-settings.js';
import { createKeyRepository, type AsyncKeyRepository } from './keys/key-repository.js';
import { createCallerRoles } from './keys/caller-roles.js';
import { createTeamRepository } from './keys/team-repository.js';
import { createAppRepository } from './apps/app-repository.js';
import { createAppBudgetLedger } from './metering/app-budget-ledger.js';
import { createAppRules } from './apps/app-rules.js';
import { onlyAllowedAppsOf } from './config/only-allowed-apps.js';
import { createUserRepository } from './keys/user-repository.js';
import { createKeyVerifier, type KeyVerifier } from './keys/verify-key.js';
import { createVirtualKeyLookup } from './keys/virtual-key-lookup.js';
import { createBudgetLedger, type AsyncBudgetLedger } from './metering/budget-ledger.js';
import { createLedgerMeter, type AdmissionRateLimiter } from './metering/create-ledger-meter.js';
import { chargeExpiredReservations } from './metering/charge-expired-reservations.js';
import { createUsageLedger, type AsyncUsageLedger } from './metering/usage-ledger.js';
import { isDeploymentPriced } from './metering/is-deployment-priced.js';
import { createPriceTable } from './metering/price-table.js';
import { createSharedRateLimiter, sweepSharedRateLimits } from './metering/shared-rate-limiter.js';
import { createAlertBudgetReader } from './metering/alert-budgets.js';
import { createTeamBudgetAlerts, type TeamBudgetAlerts } from './metering/team-budget-alerts.js';
import { createWebhookPoster } from './metering/post-webhook.js';
import { configuredWebhookUrl, readAlertingConfig } from './config/budget-alert-webhook.js';
import { createBudgetAlertMarks } from './storage/budget-alert-marks.js';
import { pruneRawUsage } from './metering/prune-raw-usage.js';
import { createUsageQueries } from './metering/usage-queries.js';
import { reservationLeaseMs } from './config/reservation-lease-ms.js';
import { storedResponsesMaxBytes } from './config/stored-responses-max-bytes.js';
import { readYourSaves } from './gateway/stored-responses/read-your-saves.js';
import { scheduleSweeps } from './core/schedule-sweeps.js';
import { createChangeFeed } from './storage/change-feed.js';
import { createLeaderLease } from './storage/leader-lease.js';
import { createPostgresReadiness } from './storage/postgres-readiness.js';
import { createResponseStore } from './storage/response-store.js';
import { ensureUsagePartitions } from './storage/usage-partitions.js';
import { ACTIVE_MODEL_ALIAS, loadActiveModelStore } from './routing/active-model.js';
import { parseHealthCheckSettings } from './routing/background-health-checks.js';
import type { PostgresDatabaseUrl } from './storage/database-url.js';
import { migratePostgresDatabase } from './storage/migrate-postgres-database.js';
import { createModelRepository } from './storage/model-repository.js';
import { openPostgresPool, type PostgresConnection } from './storage/open-postgres-pool.js';
import { postgresUnavailable } from './storage/postgres-unavailable.js';
import { createSettingsRepository, type AsyncSettingsRepository } from './storage/settings-repository.js';
import { defaultDashboardDir, loadGatewayConfig, prepareGateway, requireKeysDeps, startCallerLookups, type StartGatewayOptions } from './start-gateway.js';

export interface StartTeamGatewayOptions extends StartGatewayOptions {
  /** The PostgreSQL database every replica shares (chooseStorageEngine's choice). */
  database: PostgresDatabaseUrl;
  /** Connections this replica may hold (general_settings.database_connection_pool_limit); DEFAULT_POOL_SIZE when absent. */
  poolLimit?: number;
  /** Replaces the in-process rate limiter (the shared one counting in PostgreSQL). */
  limiter?: AdmissionRateLimiter;
}

export interface RunningTeamGateway {
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  port: number;
  /** Team mode runs no second Ollama listener: /api/* is served on the main port. */
  ollamaUrl: undefined;
  connection: PostgresConnection;
  keys: AsyncKeyRepository;
  budget: AsyncBudgetLedger;
  settings: AsyncSettingsRepository;
  gatewaySettings: GatewaySettings;
  verifier: KeyVerifier;
  /** Budget alerts at 80% and 100% (log line and webhook), once across replicas. */
  budgetAlerts: TeamBudgetAlerts;
  masterKeyConfigured: boolean;
  /**
   * What another replica changed, re-read here: the change feed calls it with its topic
   * ('keys', 'models', 'settings'). Resolves once the new state is served.
   */
  reload(topic: string): Promise<void>;
  drain(): void;
  close(options?: { graceMs?: number }): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;
/** Every 200 ms, as on the desktop (queued rows die young; a kill -9 loses at most this window). */
const USAGE_FLUSH_MS = 200;
/** Larger batches than SQLite's: each one is a network round trip, and multi-row INSERTs amortise it. */
const USAGE_BATCH_ROWS = 500;
/** Budget resets, dead replicas' reservations, rate-limit rows: small sweeps, often. */
const SHORT_SWEEP_MS = 60_000;
/** Usage partitions ahead and retention: daily work, checked hourly. */
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/**
 * A budget alert mark outlives its period by a day: a budget past its period end keeps its spend
 * until the leader's reset sweep (a minute at most) or the next admission resets it, and a mark
 * pruned before that would let its threshold be announced again.
 */
const ALERT_MARK_GRACE_MS = 24 * 60 * 60 * 1000;

export async function startTeamGateway(options: StartTeamGatewayOptions, config = loadGatewayConfig(options.configFile, options.env)): Promise<RunningTeamGateway> {
  const { log, database } = options;
  const prelude = await prepareGateway(options, config);
  const { clock, redact, secrets, resolveCredential, masterKey } = prelude;

  // Every replica runs this; the runner's advisory lock applies each step once.
  await migratePostgresDatabase({ url: database, log });
  const connection = openPostgresPool(database, options.poolLimit === undefined ? {} : { max: options.poolLimit });
  // Everything opened below, closed in reverse on a failed start or at shutdown.
  const closers: (() => Promise<unknown> | unknown)[] = [() => connection.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve().then(close).catch((error: unknown) => log.debug({ err: error }, 'team mode: a close step failed'));
  };
  try {
    // One round trip before anything else: a pool that cannot connect fails the start here, with
    // the masked URL, instead of at the first request.
    await connection.pool.query('SELECT 1').catch((error: unknown) => {
      throw postgresUnavailable(database, error);
    });
    // Today's and the coming week's usage partitions before the first row (every replica: the
    // function is idempotent under its own lock); the leader's sweep keeps them ahead.
    await ensureUsagePartitions(connection, clock.now());
    const storedModels = createModelRepository(connection, clock);
    if (!options.allowEmpty && config.deployments.length === 0 && (await storedModels.list()).length === 0) {
      throw new ConfigError(config.file, undefined, `no models to serve: model_list is empty and no models were added in the dashboard (database ${database.masked}); add one under model_list, or start with --allow-empty and add models in the dashboard`);
    }
    // Closed after the usage ledger (closers run in reverse): its last flush may still announce.
    let budgetAlerts: TeamBudgetAlerts | undefined;
    closers.push(() => budgetAlerts?.settled());
    // Rows are batched (200 ms, or 500 rows) and written with their rollups and their budget
    // settlement in one transaction, exactly once per request id even when two replicas flush.
    // Spend grows only there, so each flush that charged a key checks the budgets.
    const usage = createUsageLedger(connection, { clock, log, flushIntervalMs: USAGE_FLUSH_MS, maxBatch: USAGE_BATCH_ROWS, onKeysCharged: () => budgetAlerts?.check() });
    closers.push(() => usage.close());
    // Closed before the ledger (closers run in reverse): rows waiting for their lookup are written first.
    const callers = startCallerLookups(options, config.generalSettings, log);
    if (callers) closers.push(() => callers.close());
    const keys = withSettledSpend(createKeyRepository(connection, clock), usage, log);
    const teams = createTeamRepository(connection, clock, { keys });
    const users = createUserRepository(connection, clock, { keys });
    const apps = createAppRepository(connection, clock);
    // A team blocked, its limits or models changed, a user's models changed: the keys they own are re-read.
    const verifier = createKeyVerifier(keys, clock, { owners: { teams, users } });
    closers.push(() => verifier.dispose());
    const settings = createSettingsRepository(connection);
    const gatewaySettings = await loadGatewaySettings(settings);
    // Each threshold is claimed in the database before it is announced (a compare-and-set), so
    // two replicas flushing the same crossing post once; the config's webhook only (the
    // dashboard's choice lives in a desktop keychain a server does not have).
    const alerting = readAlertingConfig(config.generalSettings);
    const alertMarks = createBudgetAlertMarks(connection);
    const alerts = createTeamBudgetAlerts({
      readBudgets: createAlertBudgetReader(connection, { periods: true }),
      claim: (mark) => alertMarks.claim(mark, clock.now()),
      webhookUrl: configuredWebhookUrl(alerting, resolveCredential),
      post: options.postWebhook ?? createWebhookPoster(),
      log,
      enabled: () => alerting.budgetAlerts,
    });
    budgetAlerts = alerts;
    const leaseMs = reservationLeaseMs(config.generalSettings);
    const budget = createBudgetLedger(connection, { clock, leaseMs, beforeRefusing: () => usage.flush().catch(() => undefined) });
    const maxStoredBytes = storedResponsesMaxBytes(config.generalSettings);
    // Conversations are stored like logged bodies: never with a key the gateway holds (S41).
    const responseStore = createResponseStore(connection, { clock, redact: (text) => redact(text), ...(maxStoredBytes === undefined ? {} : { maxStoredBytes }) });
    const responses = readYourSaves(responseStore);
    const sharedLimiter = options.limiter === undefined ? createSharedRateLimiter(connection, { clock, log }) : undefined;
    if (sharedLimiter !== undefined) closers.push(() => sharedLimiter.close());
    const limiter: AdmissionRateLimiter = options.limiter ?? sharedLimiter!;
    const prices = createPriceTable(undefined, { now: () => clock.now() });
    const appBudget = createAppBudgetLedger(connection, { clock, leaseMs, beforeRefusing: () => usage.flush().catch(() => undefined) });
    // Rules for requests without a key, by app name, held in memory; re-read on the 'apps' topic.
    const appRules = createAppRules({ store: apps, log, ...(options.onNewApp ? { onNewApp: options.onNewApp } : {}) });
    closers.push(() => appRules.dispose());
    await appRules.load();
    const meter = createLedgerMeter({
      prices, budget, limiter, usage, clock, log, requestLog: requestLineLogger(log), bodyLogging: () => gatewaySettings.bodyLogging(), redact,
      apps: { rules: appRules, budget: appBudget, activeAlias: ACTIVE_MODEL_ALIAS, onlyAllowedApps: onlyAllowedAppsOf(gatewaySettings, config.generalSettings) },
    });

    let gateway: Gateway | undefined;
    const activeModel = await loadActiveModelStore({ persistence: settings, groups: () => gateway?.router().groups() ?? [] });
    let draining = false;
    const probe = createPostgresReadiness({ pool: connection.pool, log });
    const readiness = async (): Promise<ReadinessReport> => {
      if (draining) return { status: 'not_ready', reason: 'draining', db: 'connected' };
      const database = await probe.check();
      return database.status === 'connected' ? { ...database, models: gateway?.router().groups().length ?? 0 } : database;
    };
    gateway = await createServer({
      readiness,
      config, log, masterKey, resolveCredential, meter, virtualKeys: createVirtualKeyLookup(verifier), keys, port: options.port,
      teams, users, apps, callerRoles: createCallerRoles(connection),
      spend: { queries: createUsageQueries(connection), flush: () => usage.flush().then(() => undefined, (error: unknown) => log.debug({ err: error }, 'usage read: queued rows not flushed; showing what is written')) },
      priced: (deployment) => isDeploymentPriced(prices, deployment),
      now: () => clock.now(),
      healthChecks: parseHealthCheckSettings(config.generalSettings),
      ...(secrets ? { credentials: { store: secrets, env: options.env } } : {}),
      models: { store: storedModels, env: options.env }, activeModel, activeModelFollowsWorkingModels: true, gatewaySettings, host: options.host, responses,
      ...(options.dashboardDir === null ? {} : { dashboardDir: options.dashboardDir ?? defaultDashboardDir() }),
      requireKeys: requireKeysDeps(prelude, log),
      ...(callers ? { callers } : {}),
    });
    const served = gateway;

    // What another replica changed, re-read here (this replica's own writes already updated it).
    const reload = async (topic: string): Promise<void> => {
      // A team or user changed: every cached key is re-read (the cache does not know which keys
      // another replica's change touched; such changes are rare admin actions).
      if (topic === 'keys' || topic === 'teams' || topic === 'users') {
        verifier.clearCache();
      } else if (topic === 'apps') {
        await appRules.load();
      } else if (topic === 'models') {
        await served.reloadModels();
      } else if (topic === 'settings') {
        await Promise.all([gatewaySettings.reload(), activeModel.reload()]);
      }
    };
    const feed = createChangeFeed({
      url: database, pool: connection.pool, log,
      onChange: (topic) => {
        reload(topic).catch((error: unknown) => log.warn({ err: error, topic }, `could not re-read ${topic} changed by another replica; the next change or poll retries`));
      },
    });
    await feed.start();
    closers.push(() => feed.close());

    // The periodic sweeps run on one replica at a time: the one holding the leader lease.
    const leader = createLeaderLease({ url: database, log });
    closers.push(() => leader.close());
    const sweeps = scheduleSweeps({
      isLeader: () => leader.isLeader(),
      log,
      jobs: [
        // Budgets whose period ended start again from 0 (a compare-and-set: safe even if two leaders overlap).
        { name: 'budget-resets', everyMs: SHORT_SWEEP_MS, run: () => keys.resetDueBudgets().then(() => undefined) },
        // A dead replica's holds, billed once their lease has run out (never freed unbilled).
        {
          // Often enough that a dead replica's holds are billed within about a quarter lease of expiring.
          name: 'expired-reservations', everyMs: Math.min(SHORT_SWEEP_MS, Math.max(1_000, Math.floor(leaseMs / 4))),
          run: async () => {
            const charged = await chargeExpiredReservations({ connection, usage }, clock.now());
            if (charged.requests > 0) log.warn(charged, `billed ${charged.requests} reservation(s) whose lease ran out (a replica stopped mid-request) at their reserved worst case as 'interrupted' usage rows`);
          },
        },
        { name: 'rate-limit-rows', everyMs: SHORT_SWEEP_MS, run: () => sweepSharedRateLimits(connection, clock.now()).then(() => undefined) },
        // Marks of budget periods long over (a budget without a duration keeps its marks).
        { name: 'budget-alert-marks', everyMs: RETENTION_SWEEP_MS, run: () => alertMarks.prune(clock.now() - ALERT_MARK_GRACE_MS).then(() => undefined) },
        {
          name: 'usage-retention', everyMs: RETENTION_SWEEP_MS,
          run: async () => {
            await ensureUsagePartitions(connection, clock.now());
            const { cutoff } = await pruneRawUsage(connection, { clock, retentionDays: gatewaySettings.retentionDays() });
            // Stored responses live exactly as long as the usage rows of the requests that made them.
            await responseStore.prune(cutoff);
          },
        },
      ],
    });
    closers.push(() => sweeps.close());

    await served.app.listen({ host: options.host, port: options.port });
    const address = served.app.server.address();
    const port = address && typeof address === 'object' ? address.port : options.port;
    const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;

    let closing: Promise<void> | undefined;
    return {
      gateway: served, config, url: `http://${shownHost}:${port}`, port, ollamaUrl: undefined, connection, keys, budget, settings, gatewaySettings, verifier,
      budgetAlerts: alerts, masterKeyConfigured: masterKey !== undefined,
      reload,
      drain() {
        if (!draining) log.info('draining: readiness answers 503 from now on; requests are still served');
        draining = true;
      },
      close({ graceMs = SHUTDOWN_GRACE_MS } = {}) {
        draining = true;
        closing ??= (async () => {
          const forced = setTimeout(() => served.app.server.closeAllConnections(), graceMs);
          forced.unref();
          await served.close();
          clearTimeout(forced);
          // Then, in reverse order of opening: sweeps, leader, feed, limiter, verifier, usage, budget alerts, pool.
          await closeAll();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Key spend is written with each request's usage row (batched, up to a second later), so a read
 * that shows a key on this replica first writes this replica's queue: /key/info right after a
 * request must show what it cost. A failed flush keeps the rows queued and the read shows the
 * last written spend. (Another replica's requests show once that replica has flushed: ≤ 1 s.)
 */
function withSettledSpend(keys: AsyncKeyRepository, usage: AsyncUsageLedger, log: StartGatewayOptions['log']): AsyncKeyRepository {
  const settle = () => usage.flush().then(() => undefined, (error: unknown) => log.debug({ err: error }, 'key read: usage not flushed; showing the last written spend'));
  return {
    ...keys,
    update: (ref, fields) => settle().then(() => keys.update(ref, fields)),
    info: (ref) => settle().then(() => keys.info(ref)),
    list: (options) => settle().then(() => keys.list(options)),
    regenerate: (ref) => settle().then(() => keys.regenerate(ref)),
    block: (ref) => settle().then(() => keys.block(ref)),
    unblock: (ref) => settle().then(() => keys.unblock(ref)),
  };
}
