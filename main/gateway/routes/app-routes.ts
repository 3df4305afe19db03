// The /app/* management routes (issue 19 item 3): GET /app/list, GET /app/info?app=NAME, POST
// /app/update, POST /app/delete, admin only (the management zone's default access). An app is the
// name usage is recorded under for a request with no virtual key; its rule (budget, rpm/tpm,
// models, default model, allowed) applies to those requests only. Bodies are checked against
// shared/api/app-schemas.ts (an unknown field is refused by name); models and default_model are
// checked against the model groups served now. Today's requests and spend come from the usage
// rollups, one summary for every app (never one query per app).
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { AppRecord, AppStore } from '../../apps/app-repository.js';
import { describeApp, type AppToday } from '../../apps/describe-app.js';
import { keyAllowsModel } from '../../keys/key-allows-model.js';
import type { UsageQueries } from '../../metering/usage-queries.js';
import type { CallMode } from '../../storage/storage-connection.js';
import { parseBody } from './parse-body.js';
import { ownerErrorHandler } from './owner-error-handler.js';
import type { QueryParameters } from '../plugins/query-parameters.js';
import { appDeleteRequestSchema, appUpdateRequestSchema } from '../../../shared/api/app-schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AppRouteDeps {
  apps: AppStore<CallMode>;
  /** Today's requests and spend per app; absent: zeros. */
  usage?: UsageQueries<CallMode>;
  /** Writes queued usage rows first (spend and last_seen are written with them); a Promise on PostgreSQL. */
  beforeRead?: () => unknown;
  /** The model groups served now and the aliases that resolve (the active alias among them). */
  modelNames: () => { groups: readonly string[]; aliases: readonly string[] };
  now: () => number;
}

export function registerAppRoutes(app: FastifyInstance, deps: AppRouteDeps): void {
  const { apps } = deps;

  const todayByApp = async (): Promise<Map<string, AppToday>> => {
    const byApp = new Map<string, AppToday>();
    if (deps.usage === undefined) return byApp;
    const now = deps.now();
    const start = Math.floor(now / DAY_MS) * DAY_MS;
    const summary = await deps.usage.usageSummary({ start, end: now + 1, groupBy: 'app' });
    for (const group of summary.groups) byApp.set(group.group, { requests: group.requests, spendMicros: group.spend_micros });
    return byApp;
  };
  const describeOne = async (record: AppRecord) => describeApp(record, (await todayByApp()).get(record.app));

  app.register(async (scope) => {
    scope.setErrorHandler(ownerErrorHandler);
    // Spend and last_seen are written with the usage batch: settled first.
    scope.addHook('preHandler', async () => {
      await deps.beforeRead?.();
    });

    scope.get('/app/list', async () => {
      const [records, today] = await Promise.all([apps.list(), todayByApp()]);
      return records.map((record) => describeApp(record, today.get(record.app)));
    });
    scope.get<{ Querystring: QueryParameters }>('/app/info', async (request) => {
      const name = request.query.app;
      if (!name) throw new GatewayError('invalid_request', 'Send ?app= naming the app', { param: 'app' });
      const record = await apps.info(name);
      if (record === null) throw new GatewayError('not_found', `No app named ${JSON.stringify(name.slice(0, 256))} has called or been given a rule`, { param: 'app' });
      return describeOne(record);
    });
    scope.post('/app/update', async (request) => {
      const { app: name, ...fields } = parseBody(appUpdateRequestSchema, request.body);
      checkModels(fields.models, fields.default_model, deps.modelNames());
      return describeOne(await apps.update(name, fields));
    });
    scope.post('/app/delete', async (request) => {
      const { app: name } = parseBody(appDeleteRequestSchema, request.body);
      const record = await apps.clearRule(name);
      // A rule set before the app ever called is gone with its row; a seen app keeps its history.
      return { app: name, deleted: true, app_info: record === null ? null : await describeOne(record) };
    });
  });
}

/**
 * Each model entry must name (or, as a pattern like `anthropic/*`, match) a served group or
 * alias, and default_model must be a served group or alias: a typo would otherwise refuse every
 * request of the app, or send its active-alias requests nowhere.
 */
function checkModels(models: readonly string[] | undefined, defaultModel: string | null | undefined, served: { groups: readonly string[]; aliases: readonly string[] }): void {
  const names = [...served.groups, ...served.aliases];
  for (const [i, model] of (models ?? []).entries()) {
    if (!names.some((name) => keyAllowsModel([model], name))) {
      throw new GatewayError('invalid_request', `models.${i}: no model "${model.slice(0, 256)}" is served (GET /v1/models lists them)`, { param: `models.${i}` });
    }
  }
  if (defaultModel !== undefined && defaultModel !== null && !names.includes(defaultModel)) {
    throw new GatewayError('invalid_request', `default_model: no model "${defaultModel.slice(0, 256)}" is served (GET /v1/models lists them)`, { param: 'default_model' });
  }
}
