// Builds the fastify app (does not listen): the request id and the local-only guard on the root
// context so every request gets them, the JSON body parser, the error catalogue, and the routes
// in their trust zones (inference, management, dashboard files), each an encapsulated plugin
// with its own browser policy and auth hook. Everything it needs is passed in; nothing here reads
// process.env or global state.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { createTimeOrderedRequestId } from '../core/time-ordered-request-id.js';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type RouteOptions } from 'fastify';
import type { GatewayError } from '../core/gateway-error.js';
import { createRefusedRowCap } from './plugins/refused-row-cap.js';
import type { Logger } from 'pino';
import { localPortOf, registerLocalOnlyGuard, targetRefusal } from './plugins/local-only-guard.js';
import { registerHeaderCountLimit } from './plugins/header-count-limit.js';
import { createClientErrorHandler } from './plugins/client-error-handler.js';
import type { Socket } from 'node:net';
import type { CallerLookups } from '../attribution/caller-lookups.js';
import { lazyRequestLogger } from './lazy-request-logger.js';
import { createHttpServer, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './create-http-server.js';
import { lanHostNames, type NetworkInterfaces } from './lan-host-names.js';
import { isLoopbackHost } from '../core/host-name.js';
import { createAuthenticator } from './plugins/authenticate.js';
import { createFailedAuthThrottle } from './plugins/failed-auth-throttle.js';
import type { VirtualKeyLookup } from '../keys/virtual-key-lookup.js';
import { createFrameworkErrorHandler, registerErrorHandler } from './plugins/error-handler.js';
import { createBrowserOriginGuard, ownOrigins } from './plugins/browser-origin-guard.js';
import { sleepUnlessAborted } from './sleep-unless-aborted.js';
import { registerJsonBodyParser } from './plugins/json-body-parser.js';
import { registerRequestDecompression } from './plugins/decompress-request-body.js';
import { registerOpenAIRoutes } from './routes/openai-routes.js';
import { errorShapeOfPath, registerAnthropicRoutes } from './routes/anthropic-routes.js';
import { registerResponsesRoutes, type CompletedResponse } from './routes/responses-routes.js';
import { registerOllamaInferenceRoutes } from './routes/ollama-routes.js';
import { registerKeyRoutes } from './routes/key-routes.js';
import { registerTeamRoutes } from './routes/team-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';
import { registerAppRoutes } from './routes/app-routes.js';
import type { AppStore } from '../apps/app-repository.js';
import { onlyAllowedAppsOf } from '../config/only-allowed-apps.js';
import type { TeamStore } from '../keys/team-repository.js';
import type { UserStore } from '../keys/user-repository.js';
import { registerSpendRoutes } from './routes/spend-routes.js';
import type { UsageQueries } from '../metering/usage-queries.js';
import type { KeyStore } from '../keys/key-repository.js';
import type { CallMode } from '../storage/storage-connection.js';
import { registerHealthRoutes, type ReadinessReport } from './routes/health-routes.js';
import { registerActiveModelRoutes } from './routes/active-model-routes.js';
import { registerHealthCheckRoutes } from './routes/health-check-routes.js';
import { registerDiscoveryRoutes } from './routes/discovery-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { registerModelExportRoutes } from './routes/model-export-routes.js';
import { registerBackupRoutes } from './routes/backup-routes.js';
import type { BackupStore } from '../storage/backup-store.js';
import { registerSettingsRoutes } from './routes/settings-routes.js';
import type { BudgetAlertWebhook } from '../config/budget-alert-webhook.js';
import { registerStoredResponseRoutes, type StoredResponseReader } from './routes/stored-response-routes.js';
import type { ConversationStore } from './stored-responses/conversation-store.js';
import { registerOllamaDiscoveryRoutes } from './routes/ollama-discovery-routes.js';
import { allowKeylessOllamaClients } from './ollama-discovery/allow-keyless-ollama-clients.js';
import { registerDashboardRoutes } from './routes/dashboard-routes.js';
import { mergeDeployments } from '../config/stored-model-deployments.js';
import type { GatewaySettings } from '../config/gateway-settings.js';
import type { ModelStore } from '../storage/model-repository.js';
import { registerCredentialRoutes } from './routes/credential-routes.js';
import { registerAdminKeyRoutes, type AdminKeyRouteDeps } from './routes/admin-key-routes.js';
import { generateAdminKey } from '../secrets/admin-key.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { createActiveModelStore, createMemoryPersistence, type ActiveModelStore, type AliasPersistence } from '../routing/active-model.js';
import { createBackgroundHealthChecks, type HealthCheckSettings, type HealthChecks } from '../routing/background-health-checks.js';
import type { LocalServer } from '../routing/discover-local-models.js';
import type { ProbeDeps } from '../routing/probe-deployment.js';
import { createPassThroughMeter, type RequestMeter } from '../metering/request-meter.js';
import type { InferenceDeps } from './proxy-inference.js';
import { createUpstreamClient, type UpstreamClient } from '../providers/upstream-client.js';
import { createOpenAICompatibleAdapter } from '../providers/openai-compatible-adapter.js';
import { createOllamaAdapter } from '../providers/ollama-adapter.js';
import { createAnthropicAdapter } from '../providers/anthropic-adapter.js';
import { createGeminiAdapter } from '../providers/gemini-adapter.js';
import { createAzureAdapter } from '../providers/azure-adapter.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';
import type { Deployment, ProviderProtocol } from '../core/deployment.js';
import { createModelRouter, type ModelRouter } from '../routing/model-router.js';
import { createDeploymentHealth } from '../routing/deployment-health.js';
import type { RouterSettings } from '../routing/router-settings.js';
import { createCredentialResolver, type CredentialResolver } from '../secrets/resolve-credential.js';
import type { GatewayConfig } from '../config/load-config.js';
import type { RegisteredRoute } from './zones/route-zone.js';
import type { CallerRoles } from '../keys/caller-roles.js';
import { registerInferenceZone } from './zones/inference-zone.js';
import { registerManagementZone } from './zones/management-zone.js';
import { registerDashboardZone } from './zones/dashboard-zone.js';
import type { StreamCaps } from '../providers/stream-decoder.js';
import type { KeepAliveTimer } from './relay-stream.js';

export interface ServerDeps {
  config: GatewayConfig;
  log: Logger;
  /** The resolved admin key; undefined = open local mode. */
  masterKey: string | undefined;
  upstream?: UpstreamClient;
  meter?: RequestMeter;
  virtualKeys?: VirtualKeyLookup;
  resolveCredential?: CredentialResolver;
  adapters?: Partial<Record<ProviderProtocol, ProviderAdapter>>;
  /** The port Host headers must name when there is no socket (app.inject in tests). */
  port?: number;
  now?: () => number;
  monotonic?: () => number;
  readiness?: () => ReadinessReport | Promise<ReadinessReport>;
  /** Virtual keys; when given, the /key/* management routes are served. */
  keys?: KeyStore<CallMode>;
  /** Teams and memberships; with `users` and `keys`, the /team/* routes are served. */
  teams?: TeamStore<CallMode>;
  /** A key's user's roles on the management API (proxy_admin, team admin, member); absent: every virtual key is a plain key there. */
  callerRoles?: (userId: string) => CallerRoles | null | Promise<CallerRoles | null>;
  /** Users; with `teams` and `keys`, the /user/* routes are served. */
  users?: UserStore<CallMode>;
  /** Apps (names of keyless callers) and their rules; when given, the /app/* routes are served. */
  apps?: AppStore<CallMode>;
  /** Whether a deployment's requests cost money (the meter's price table); /model/info reports it as model_info.priced. */
  priced?: (deployment: Deployment) => boolean;
  /** Usage reads; when given, /spend/logs and /usage/summary are served. `flush` writes queued rows first (a Promise on PostgreSQL: awaited). */
  spend?: { queries: UsageQueries<CallMode>; flush(): unknown };
  /** Model aliases (e.g. the active model), read per request. */
  aliases?: () => ReadonlyMap<string, string>;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where the active model and user aliases persist (the settings repository); in memory when absent. */
  settingsRepository?: AliasPersistence;
  /** A ready active-model store (overrides settingsRepository); over PostgreSQL, loadActiveModelStore's. */
  activeModel?: ActiveModelStore<CallMode>;
  /**
   * /model/new probes the added model and the unreachable default it may replace, so the active
   * alias follows the first working model (startGateway turns it on; tests that add cloud models
   * leave it off so nothing leaves loopback).
   */
  activeModelFollowsWorkingModels?: boolean;
  /** Background /health probing (general_settings.background_health_checks); off when absent. */
  healthChecks?: HealthCheckSettings;
  /** The default local-server addresses /model/discover?defaults=true probes (tests: loopback mocks). */
  discoveryDefaults?: readonly LocalServer[];
  /** Provider keys in the OS keychain; when given, the write-only /credentials routes are served. */
  credentials?: { store: SecretStore; env: NodeJS.ProcessEnv };
  /** Dashboard-managed models (the models table), served after the config's; /model/* writes need it. */
  models?: { store: ModelStore<CallMode>; env: NodeJS.ProcessEnv };
  /** Keys (hashes), dashboard models and settings as one document: GET /backup, POST /backup/restore. */
  backup?: BackupStore;
  /** Live settings (retention, body logging, allowed browser origins); when given, /settings is served. */
  gatewaySettings?: GatewaySettings;
  /** Where budget alerts are posted, changed under /settings. */
  budgetAlerts?: BudgetAlertWebhook;
  /** The bound address (default 127.0.0.1): beyond loopback, its interface addresses and allowed_hosts join the Host allowlist; shown under /settings. */
  host?: string;
  /** This machine's interfaces for LAN mode (default os.networkInterfaces, read per LAN request). */
  networkInterfaces?: () => NetworkInterfaces;
  /** The built dashboard (vite's outDir); when given, it is served at / and /assets/*. */
  dashboardDir?: string;
  /**
   * The Responses API's stored responses; when given, GET/DELETE /v1/responses/{id} are served.
   * The SQLite store answers at once; in team mode each call is a Promise (wrap it in readYourSaves).
   */
  responses?: ConversationStore & StoredResponseReader;
  /** Size caps on relayed upstream streams (tests pass small ones); DEFAULT_STREAM_CAPS when absent. */
  streamCaps?: StreamCaps;
  /**
   * Called with every finished /v1/responses answer (bridged or passed through) and the request
   * it answered, before its terminal event is sent: where a response store keeps them.
   */
  onResponseCompleted?: (completed: CompletedResponse) => void;
  /** Ticks keep-alive events into streams with no content yet (tests tick by hand); every 15 s when absent. */
  streamKeepAlive?: KeepAliveTimer;
  /** The Ollama listener's port once it listens (start-gateway.ts starts it after this server); shown under /settings. */
  ollamaListenerPort?: () => number | undefined;
  /** Deepest JSON nesting a request body may have; DEFAULT_MAX_JSON_DEPTH when absent. */
  maxJsonDepth?: number;
  /** Socket timeouts and caps (tests shorten them); DEFAULT_CONNECTION_LIMITS for what is not given. */
  connectionLimits?: Partial<ConnectionLimits>;
  /**
   * Where "Require keys" keeps the admin key it creates (data-dir-admin-key.ts) and where the key
   * in effect at start comes from; when given, GET /admin-key and POST /admin-key/require, /rotate
   * and /remove are served. `onRequired` and `onRotated` learn a new key before it is answered.
   */
  requireKeys?: Omit<AdminKeyRouteDeps, 'authenticator' | 'generate'>;
  /**
   * Per-process attribution: a lookup started for every accepted loopback connection, read by
   * each request on it (the meter names the app after the calling program). Off when absent.
   */
  callers?: CallerLookups;
}

export interface Gateway {
  app: FastifyInstance;
  /** Swap the model list without a restart; requests in flight keep their router. */
  setDeployments(deployments: readonly Deployment[]): void;
  router(): ModelRouter;
  /** The active-model alias and user aliases (the tray switches through this or the HTTP API). */
  activeModel: ActiveModelStore<CallMode>;
  healthChecks: HealthChecks;
  /** What probes and discovery call upstreams with (adapters, the upstream client, credentials). */
  probe: ProbeDeps;
  /** Every route with its method and zone, recorded by an onRoute hook as it was registered. */
  routes(): readonly RegisteredRoute[];
  /** Re-reads the dashboard-managed models and serves them (another replica changed them: the change feed calls this). */
  reloadModels(): Promise<void>;
  close(): Promise<void>;
}

export function defaultAdapters(now: () => number = Date.now): Partial<Record<ProviderProtocol, ProviderAdapter>> {
  return {
    openai: createOpenAICompatibleAdapter(),
    ollama: createOllamaAdapter(),
    anthropic: createAnthropicAdapter({ nowMs: now }),
    gemini: createGeminiAdapter({ nowMs: now }),
    azure: createAzureAdapter(),
  };
}

export async function createServer(deps: ServerDeps): Promise<Gateway> {
  const upstream = deps.upstream ?? createUpstreamClient();
  const ownsUpstream = deps.upstream === undefined;
  const now = deps.now ?? Date.now;
  const settings: RouterSettings = deps.config.routerSettings;
  const health = createDeploymentHealth({ allowedFails: settings.allowedFails, cooldownMs: settings.cooldownMs, now });
  // Groups are read lazily (router is assigned below and replaced by setDeployments).
  const activeModel: ActiveModelStore<CallMode> = deps.activeModel ?? createActiveModelStore({ persistence: deps.settingsRepository ?? createMemoryPersistence(), groups: () => router.groups() });
  const aliases = deps.aliases ?? activeModel.aliases;
  // Config-file models first (the first group is the default active model), then dashboard-managed ones.
  const skippedModel = (id: string, reason: string) => deps.log.warn({ modelId: id }, `dashboard-managed model ${id} is not served: ${reason}`);
  const initialDeployments = deps.models ? mergeDeployments(deps.config.deployments, await deps.models.store.list(), deps.models.env, (m, reason) => skippedModel(m.id, reason)) : deps.config.deployments;
  const buildRouter = (deployments: readonly Deployment[]): ModelRouter => createModelRouter(deployments, { strategy: settings.strategy, health, aliases, ...(deps.random ? { random: deps.random } : {}) });
  let router: ModelRouter = buildRouter(initialDeployments);
  const setDeployments = (deployments: readonly Deployment[]): void => {
    router = buildRouter(deployments);
  };
  let listeningPort = deps.port ?? 4141;
  const host = deps.host ?? '127.0.0.1';
  const readInterfaces = deps.networkInterfaces ?? networkInterfaces;
  // LAN mode: other machines address us by an interface address or an allowed_hosts name.
  const extraHosts = isLoopbackHost(host) ? undefined : () => lanHostNames(host, readInterfaces(), []);
  if (extraHosts === undefined && deps.config.allowedHosts.length > 0) {
    deps.log.warn({ host }, 'general_settings.allowed_hosts and SWITCHBOARD_ALLOWED_HOSTS are ignored: Switchboard listens on loopback only (start it with --host 0.0.0.0 for LAN access)');
  }
  const localOnly = { port: () => listeningPort, ...(extraHosts ? { extraHosts, namedHosts: deps.config.allowedHosts } : {}) };

  const app = Fastify({
    loggerInstance: deps.log,
    // Per-request log lines cost throughput; usage rows are the request log.
    logController: new LogController({ disableRequestLogging: true }),
    // The request's child logger is made only if the request logs something (most never do).
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Time-ordered (UUIDv7): the usage row's key then appends to its index instead of landing on a random page.
    genReqId: createTimeOrderedRequestId(),
    return503OnClosing: true,
    frameworkErrors: createFrameworkErrorHandler({ refuseTarget: (request) => targetRefusal(request, localOnly), shapeOf: errorShapeOfPath }),
    // What Node's parser refuses never reaches fastify: answered in the error contract, never logged raw.
    clientErrorHandler: createClientErrorHandler(deps.log),
    serverFactory: (handler) => {
      const server = createHttpServer(handler as (req: IncomingMessage, res: ServerResponse) => void, { ...DEFAULT_CONNECTION_LIMITS, ...deps.connectionLimits }, deps.log);
      // At accept, before the request's headers are read: the lookup runs while they arrive.
      const callers = deps.callers;
      if (callers) server.on('connection', (socket: Socket) => callers.start(socket));
      return server;
    },
  }) as unknown as FastifyInstance; // pino's Logger vs FastifyBaseLogger generics: same object.
  app.decorateRequest('principal', null);
  // Kept by reference and read late: the zone plugins' own onRoute hooks run after this one and
  // stamp the zone (and add OPTIONS) on the same options object.
  const routeOptions: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routeOptions.push(route);
  });
  const routes = (): RegisteredRoute[] =>
    routeOptions.flatMap((route) => [route.method].flat().map((method) => ({
      method, url: route.url, zone: route.config?.zone,
      ...(route.constraints?.listener === 'ollama' ? { listener: 'ollama' as const } : {}),
    })));

  const portOf = (request: FastifyRequest) => localPortOf(request, () => listeningPort);
  registerErrorHandler(app, {
    shapeOf: errorShapeOfPath,
    notFoundGuard: createBrowserOriginGuard({ admits: ownOrigins, cors: false, refusal: 'Requests from web pages are not allowed', port: portOf }),
  });
  // First of all hooks, so every answer names its request, refusals and 404s included: the id is
  // what a user quotes when reporting a problem.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerHeaderCountLimit(app);
  registerLocalOnlyGuard(app, localOnly);
  const authenticator = createAuthenticator(deps.masterKey, deps.virtualKeys, createFailedAuthThrottle({ now }));

  registerJsonBodyParser(app, { maxDepth: deps.maxJsonDepth });
  // Before any route: it attaches itself to the routes that opt in as they are registered.
  registerRequestDecompression(app);

  const inference: InferenceDeps = {
    router: () => router,
    settings: () => settings,
    adapters: deps.adapters ?? defaultAdapters(now),
    upstream,
    // Without a resolver given, keychain/NAME keys come from the same store the /credentials routes write.
    resolveCredential: deps.resolveCredential ?? createCredentialResolver(deps.credentials?.env ?? process.env, deps.credentials?.store),
    meter: deps.meter ?? createPassThroughMeter(),
    now,
    monotonic: deps.monotonic ?? (() => performance.now()),
    sleep: deps.sleep ?? sleepUnlessAborted,
    ...(deps.streamCaps ? { streamCaps: deps.streamCaps } : {}),
    ...(deps.streamKeepAlive ? { streamKeepAlive: deps.streamKeepAlive } : {}),
    ...(deps.callers ? { callers: deps.callers } : {}),
  };
  // Keyless Ollama clients (general_settings.ollama_api.allow_without_key) exist in this zone only.
  const ollamaKeyless = () => deps.gatewaySettings?.ollamaKeyless(deps.config.ollamaApi) ?? deps.config.ollamaApi;
  const inferenceAuthenticator = allowKeylessOllamaClients(authenticator, ollamaKeyless);
  // An auth refusal is a rejected request like a policy refusal: its row, never the key it
  // presented; as many rows as a caller without a valid key can make us write are capped.
  const refusedRows = createRefusedRowCap({ now, log: deps.log });
  const onRefused = (request: FastifyRequest, refusal: GatewayError): void => {
    if (inference.meter.reject === undefined || !refusedRows.admit(request.ip)) return;
    inference.meter.reject({
      requestId: request.id, key: refusal.refusedKey ?? null, requestedModel: '', userAgent: request.headers['user-agent'], headers: request.headers,
      route: request.routeOptions.url ?? request.url, caller: deps.callers?.of(request.raw.socket),
    }, refusal);
  };
  registerInferenceZone(app, { authenticator: inferenceAuthenticator, port: portOf, allowedOrigins: deps.gatewaySettings?.allowedOrigins ?? (() => []), onRefused }, (zone) => {
    registerOpenAIRoutes(zone, inference);
    registerAnthropicRoutes(zone, inference);
    registerResponsesRoutes(zone, inference, {
      ...(deps.onResponseCompleted ? { onCompleted: deps.onResponseCompleted } : {}),
      ...(deps.responses ? { store: deps.responses } : {}),
    });
    if (deps.responses) registerStoredResponseRoutes(zone, deps.responses);
    registerOllamaInferenceRoutes(zone, inference, { maxKeepAliveSeconds: () => deps.config.ollamaApi.maxKeepAliveSeconds() });
    registerOllamaDiscoveryRoutes(zone, inference, deps.config.ollamaApi);
  });
  const healthChecks = createBackgroundHealthChecks({
    probe: inference, deployments: () => router.groups().flatMap((g) => g.deployments), health: () => router.health, allowedFails: settings.allowedFails, now,
  });
  const keyStore = deps.keys;
  const keyOwner = keyStore === undefined ? undefined : async (ref: string) => {
    const record = await keyStore.info(ref);
    return record ? { userId: record.userId, teamId: record.teamId } : null;
  };
  // A user's key's models within its team's, for its read-only view of /model/info.
  const teamStore = deps.teams;
  const keyModelScope = keyStore === undefined ? undefined : async (keyId: string) => {
    const record = await keyStore.info(keyId);
    if (record === null) return null;
    const team = record.teamId === null || teamStore === undefined ? null : await teamStore.info(record.teamId);
    return { keyModels: record.models, teamModels: team?.models ?? null };
  };
  registerManagementZone(app, { authenticator, port: portOf, ...(deps.callerRoles ? { callerRoles: deps.callerRoles } : {}), ...(keyOwner ? { keyOwner } : {}) }, (zone) => {
    if (deps.keys) registerKeyRoutes(zone, deps.keys);
    if (deps.keys && deps.teams && deps.users) {
      const beforeRead = deps.spend?.flush;
      registerTeamRoutes(zone, { teams: deps.teams, users: deps.users, keys: deps.keys, ...(beforeRead ? { beforeRead } : {}) });
      registerUserRoutes(zone, { users: deps.users, teams: deps.teams, keys: deps.keys, ...(beforeRead ? { beforeRead } : {}) });
    }
    if (deps.apps) {
      registerAppRoutes(zone, {
        apps: deps.apps, now,
        ...(deps.spend ? { usage: deps.spend.queries, beforeRead: deps.spend.flush } : {}),
        modelNames: () => ({ groups: router.groups().map((g) => g.name), aliases: [...aliases().keys()] }),
      });
    }
    if (deps.spend) registerSpendRoutes(zone, deps.spend.queries, deps.spend.flush, now);
    if (deps.requireKeys) registerAdminKeyRoutes(zone, { authenticator, generate: generateAdminKey, ...deps.requireKeys });
    if (deps.credentials) registerCredentialRoutes(zone, { ...deps.credentials, deployments: () => router.groups().flatMap((g) => g.deployments) });
    registerHealthRoutes(zone, deps.readiness ?? (() => ({ status: 'connected', models: router.groups().length })));
    registerActiveModelRoutes(zone, activeModel);
    registerHealthCheckRoutes(zone, { checks: healthChecks, router: () => router, ...(deps.healthChecks ? { settings: deps.healthChecks } : {}) });
    registerDiscoveryRoutes(zone, { probe: inference, router: () => router, ...(deps.discoveryDefaults ? { defaultServers: deps.discoveryDefaults } : {}) });
    registerModelRoutes(zone, {
      ...(deps.models ? { store: deps.models.store } : {}),
      configDeployments: deps.config.deployments, env: deps.models?.env ?? {}, router: () => router, setDeployments, probe: inference, onSkipped: skippedModel, activeModel, followWorkingModels: deps.activeModelFollowsWorkingModels === true,
      ...(deps.priced ? { priced: deps.priced } : {}),
      ...(keyModelScope ? { keyModelScope } : {}),
    });
    if (deps.models) registerModelExportRoutes(zone, deps.models.store);
    if (deps.backup && deps.keys && deps.gatewaySettings && deps.models && deps.apps) {
      const models = deps.models;
      registerBackupRoutes(zone, {
        store: deps.backup, keys: deps.keys, apps: deps.apps, ...(deps.spend ? { beforeRead: deps.spend.flush } : {}), settings: deps.gatewaySettings, configDeployments: deps.config.deployments, env: models.env, now, activeModel,
        reloadModels: () => {
          const stored = models.store.list();
          // The backup store runs on SQLite only, where the models answer at once.
          if (stored instanceof Promise) throw new Error('a backup is restored on SQLite only');
          setDeployments(mergeDeployments(deps.config.deployments, stored, models.env, (m, reason) => skippedModel(m.id, reason)));
        },
      });
    }
    if (deps.gatewaySettings) {
      registerSettingsRoutes(zone, {
        settings: deps.gatewaySettings, ollamaKeyless, ...(deps.budgetAlerts ? { budgetAlerts: deps.budgetAlerts } : {}),
        ...(deps.apps ? { onlyAllowedApps: onlyAllowedAppsOf(deps.gatewaySettings, deps.config.generalSettings) } : {}),
        server: () => ({ host, port: listeningPort, adminKeySet: authenticator.enforced, ollamaListenerPort: deps.ollamaListenerPort?.() }),
      });
    }
  });
  const dashboardDir = deps.dashboardDir;
  if (dashboardDir !== undefined) registerDashboardZone(app, { port: portOf }, (zone) => registerDashboardRoutes(zone, { dir: dashboardDir }));

  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (address && typeof address === 'object') listeningPort = address.port;
  });

  return {
    app,
    setDeployments,
    router: () => router,
    activeModel,
    healthChecks,
    probe: inference,
    routes,
    async reloadModels() {
      if (!deps.models) return;
      const models = deps.models;
      setDeployments(mergeDeployments(deps.config.deployments, await models.store.list(), models.env, (m, reason) => skippedModel(m.id, reason)));
    },
    async close() {
      await app.close();
      if (ownsUpstream) await upstream.close();
    },
  };
}
