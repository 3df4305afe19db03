// Team mode: the same gateway as startGateway, on a PostgreSQL database shared by every replica.
// Opens the pool (general_settings.database_connection_pool_limit), applies the PostgreSQL
// migrations (once across replicas, under the runner's advisory lock), builds the repositories on
// the pool (keys, budget ledger, settings, models: each call a Promise) and the same fastify server,
// then listens. Loaded only with a postgresql:// URL (a dynamic import), so the desktop and an SQLite
// `serve` never load `pg`. Never logs or reports the URL's password: only its masked form.
import { createServer, type Gateway } from './gateway/create-server.js';
import type { ReadinessReport } from './gateway/routes/health-routes.js';
import type { GatewayConfig } from './config/load-config.js';
import { ConfigError } from './core/config-error.js';
import { loadGatewaySettings, type GatewaySettings } from './config/gateway-settings.js';
import { createKeyRepository, type AsyncKeyRepository } from './keys/key-repository.js';
import { createKeyVerifier, type KeyVerifier } from './keys/verify-key.js';
import { createVirtualKeyLookup } from './keys/virtual-key-lookup.js';
import { createBudgetLedger, type AsyncBudgetLedger } from './metering/budget-ledger.js';
import { createLedgerMeter, type AdmissionRateLimiter, type UsageRecorder } from './metering/create-ledger-meter.js';
import { isDeploymentPriced } from './metering/is-deployment-priced.js';
import { createPriceTable } from './metering/price-table.js';
import { createRateLimiter } from './metering/rate-limiter.js';
import { loadActiveModelStore } from './routing/active-model.js';
import { parseHealthCheckSettings } from './routing/background-health-checks.js';
import type { PostgresDatabaseUrl } from './storage/database-url.js';
import { migratePostgresDatabase } from './storage/migrate-postgres-database.js';
import { createModelRepository } from './storage/model-repository.js';
import { openPostgresPool, type PostgresConnection } from './storage/open-postgres-pool.js';
import { postgresUnavailable } from './storage/postgres-unavailable.js';
import { createSettingsRepository, type AsyncSettingsRepository } from './storage/settings-repository.js';
import { isStorageError } from './storage/storage-error.js';
import { defaultDashboardDir, loadGatewayConfig, prepareGateway, requireKeysDeps, type StartGatewayOptions } from './start-gateway.js';

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
const BUDGET_SWEEP_MS = 60_000;

export async function startTeamGateway(options: StartTeamGatewayOptions, config = loadGatewayConfig(options.configFile, options.env)): Promise<RunningTeamGateway> {
  const { log, database } = options;
  const prelude = await prepareGateway(options, config);
  const { clock, redact, secrets, resolveCredential, masterKey } = prelude;

  // Every replica runs this; the runner's advisory lock applies each step once.
  await migratePostgresDatabase({ url: database, log });
  const connection = openPostgresPool(database, options.poolLimit === undefined ? {} : { max: options.poolLimit });
  const closeQuietly = () => connection.close().catch(() => undefined);
  try {
    // One round trip before anything else: a pool that cannot connect fails the start here, with
    // the masked URL, instead of at the first request.
    await connection.pool.query('SELECT 1').catch((error: unknown) => {
      throw postgresUnavailable(database, error);
    });
    const storedModels = createModelRepository(connection, clock);
    if (!options.allowEmpty && config.deployments.length === 0 && (await storedModels.list()).length === 0) {
      throw new ConfigError(config.file, undefined, `no models to serve: model_list is empty and no models were added in the dashboard (database ${database.masked}); add one under model_list, or start with --allow-empty and add models in the dashboard`);
    }
    const keys = createKeyRepository(connection, clock);
    const verifier = createKeyVerifier(keys, clock);
    const settings = createSettingsRepository(connection);
    const gatewaySettings = await loadGatewaySettings(settings);
    const budget = createBudgetLedger(connection, { clock });
    // Until the usage ledger runs on PostgreSQL, a finished request settles its reservation with
    // its real cost, so spend is exact; its usage row is not written.
    const usage = createSettlingRecorder(budget, log);
    const limiter = options.limiter ?? createRateLimiter({ clock });
    const prices = createPriceTable(undefined, { now: () => clock.now() });
    const meter = createLedgerMeter({ prices, budget, limiter, usage, clock, log, bodyLogging: () => gatewaySettings.bodyLogging(), redact });

    let gateway: Gateway | undefined;
    const activeModel = await loadActiveModelStore({ persistence: settings, groups: () => gateway?.router().groups() ?? [] });
    let draining = false;
    const readiness = (): ReadinessReport => {
      if (draining) return { status: 'not_ready', reason: 'draining', db: 'connected' };
      return { status: 'connected', db: 'connected', models: gateway?.router().groups().length ?? 0 };
    };
    gateway = await createServer({
      readiness,
      config, log, masterKey, resolveCredential, meter, virtualKeys: createVirtualKeyLookup(verifier), keys, port: options.port,
      priced: (deployment) => isDeploymentPriced(prices, deployment),
      now: () => clock.now(),
      healthChecks: parseHealthCheckSettings(config.generalSettings),
      ...(secrets ? { credentials: { store: secrets, env: options.env } } : {}),
      models: { store: storedModels, env: options.env }, activeModel, activeModelFollowsWorkingModels: true, gatewaySettings, host: options.host,
      ...(options.dashboardDir === null ? {} : { dashboardDir: options.dashboardDir ?? defaultDashboardDir() }),
      requireKeys: requireKeysDeps(prelude, log),
    });
    const served = gateway;
    await served.app.listen({ host: options.host, port: options.port });
    const address = served.app.server.address();
    const port = address && typeof address === 'object' ? address.port : options.port;
    const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;

    // Budgets whose period ended start again from 0: a compare-and-set, safe on every replica at once.
    const sweep = () => {
      keys.resetDueBudgets().catch((error: unknown) => log.warn({ err: error }, 'budget reset sweep failed; will retry'));
    };
    sweep();
    const sweepTimer = setInterval(sweep, BUDGET_SWEEP_MS);
    sweepTimer.unref();

    const reload = async (topic: string): Promise<void> => {
      if (topic === 'keys') verifier.clearCache();
      else if (topic === 'models') await served.reloadModels();
      else if (topic === 'settings') await Promise.all([gatewaySettings.reload(), activeModel.reload()]);
    };

    let closing: Promise<void> | undefined;
    return {
      gateway: served, config, url: `http://${shownHost}:${port}`, port, ollamaUrl: undefined, connection, keys, budget, settings, gatewaySettings, verifier,
      masterKeyConfigured: masterKey !== undefined,
      reload,
      drain() {
        if (!draining) log.info('draining: readiness answers 503 from now on; requests are still served');
        draining = true;
      },
      close({ graceMs = SHUTDOWN_GRACE_MS } = {}) {
        draining = true;
        closing ??= (async () => {
          clearInterval(sweepTimer);
          const forced = setTimeout(() => served.app.server.closeAllConnections(), graceMs);
          forced.unref();
          await served.close();
          clearTimeout(forced);
          await usage.settled();
          verifier.dispose();
          await closeQuietly();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeQuietly();
    throw error;
  }
}

/** A usage recorder that settles each request's reservation with its real cost (no usage row), and can be waited for at shutdown. */
function createSettlingRecorder(budget: AsyncBudgetLedger, log: StartGatewayOptions['log']): UsageRecorder & { settled(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  return {
    record(row) {
      if (row.status === 'rejected' && row.costMicros === 0) return;
      const settling = budget.settle(row.requestId, row.costMicros).catch((error: unknown) => {
        log[isStorageError(error) ? 'warn' : 'error']({ err: error, requestId: row.requestId }, 'could not settle the request\'s budget reservation');
      });
      inFlight.add(settling);
      void settling.finally(() => inFlight.delete(settling));
    },
    async settled() {
      await Promise.all(inFlight);
    },
  };
}
