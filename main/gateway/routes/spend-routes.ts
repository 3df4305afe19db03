// Read APIs over the usage ledger (management zone): LiteLLM-compatible GET /spend/logs (paginated,
// filtered by key, team, user, model and time) and GET /usage/summary for the dashboard (spend, tokens,
// requests, errors, latency percentiles grouped by app, model, provider, key, team, user or day) and
// GET /usage/timeline (per app per UTC hour or day, for the stacked chart); all three filter by
// key_id (or api_key), team_id and user_id with the same meaning. A user's key reaches all three
// narrowed to its own usage or a team it admins (scopes 'spend-logs' and 'usage', member-scopes.ts).
// Awaits the queries, so the routes serve either engine (values on SQLite, Promises on PostgreSQL).
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { UsageGroupBy, UsageQueries } from '../../metering/usage-queries.js';
import type { UsageOwnerFilter } from '../../metering/usage-owner-filter.js';
import type { CallMode } from '../../storage/storage-connection.js';
import { USAGE_TIMELINE_BUCKETS, type UsageTimelineBucket } from '../../metering/usage-timeline.js';
import { positiveIntParam, type QueryParameters } from '../plugins/query-parameters.js';

const GROUPS: readonly UsageGroupBy[] = ['app', 'model', 'provider', 'day', 'key', 'team', 'user'];
const DAY_MS = 24 * 60 * 60 * 1000;

export function registerSpendRoutes(app: FastifyInstance, queries: UsageQueries<CallMode>, beforeRead: () => unknown, now: () => number): void {
  app.register(async (scope) => {
    // Rows recorded a moment ago are still queued; a reader should see them.
    // Queued rows first (awaited on PostgreSQL), so a read right after traffic counts all of it.
    scope.addHook('preHandler', async () => {
      await beforeRead();
    });

    scope.get<{ Querystring: QueryParameters }>('/spend/logs', { config: { access: 'scoped', scope: 'spend-logs' } }, async (request) => {
      const q = request.query;
      try {
        return await queries.spendLogs({
        ...ownerFilter(q),
        ...(q.model ? { model: q.model } : {}),
        ...optionalTime('start_date', q.start_date),
        ...optionalTime('end_date', q.end_date),
        page: positiveIntParam(q.page, 'page') ?? 1,
        pageSize: positiveIntParam(q.page_size ?? q.size, 'page_size') ?? 50,
        // Keyset paging: `cursor=` (empty) asks for the first page, then each page's next_cursor.
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      });
      } catch (error) {
        if (error instanceof RangeError) throw new GatewayError('invalid_request', error.message, { param: 'cursor' });
        throw error;
      }
    });

    // A user's key sees its own user's usage, or (team_id) a team it admins: narrowed by the role hook.
    scope.get<{ Querystring: QueryParameters }>('/usage/summary', { config: { access: 'scoped', scope: 'usage' } }, async (request) => {
      const q = request.query;
      const groupBy = (q.group_by ?? 'app') as UsageGroupBy;
      if (!GROUPS.includes(groupBy)) throw new GatewayError('invalid_request', `group_by must be one of ${GROUPS.join(', ')}`, { param: 'group_by' });
      // end is exclusive: "up to now" must include a request recorded in this very millisecond.
      const end = optionalTime('end', q.end).end ?? now() + 1;
      const start = optionalTime('start', q.start).start ?? end - 7 * DAY_MS;
      if (start > end) throw new GatewayError('invalid_request', 'start must be before end', { param: 'start' });
      try {
        return await queries.usageSummary({ start, end, groupBy, ...ownerFilter(q) });
      } catch (error) {
        // The query layer refuses ranges it cannot answer (e.g. too wide) with a RangeError.
        if (error instanceof RangeError) throw new GatewayError('invalid_request', error.message, { param: 'start' });
        throw error;
      }
    });

    scope.get<{ Querystring: QueryParameters }>('/usage/timeline', { config: { access: 'scoped', scope: 'usage' } }, async (request) => {
      const q = request.query;
      const bucket = (q.bucket ?? 'day') as UsageTimelineBucket;
      if (!USAGE_TIMELINE_BUCKETS.includes(bucket)) throw new GatewayError('invalid_request', `bucket must be one of ${USAGE_TIMELINE_BUCKETS.join(', ')}`, { param: 'bucket' });
      const end = optionalTime('end', q.end).end ?? now() + 1;
      const start = optionalTime('start', q.start).start ?? end - 7 * DAY_MS;
      if (start > end) throw new GatewayError('invalid_request', 'start must be before end', { param: 'start' });
      try {
        return await queries.usageTimeline({ start, end, bucket, ...ownerFilter(q) });
      } catch (error) {
        if (error instanceof RangeError) throw new GatewayError('invalid_request', error.message, { param: 'start' });
        throw error;
      }
    });
  });
}

/** key_id (LiteLLM's api_key also accepted), team_id, user_id, app (exact name); an empty value does not filter. */
function ownerFilter(q: QueryParameters): UsageOwnerFilter {
  return {
    ...(q.api_key || q.key_id ? { keyId: (q.key_id || q.api_key)! } : {}),
    ...(q.team_id ? { teamId: q.team_id } : {}),
    ...(q.user_id ? { userId: q.user_id } : {}),
    ...(q.app ? { app: q.app } : {}),
  };
}

/** Accepts ISO dates (2026-11-25, 2026-11-25T10:00:00Z) or epoch milliseconds. */
function optionalTime(param: string, value: string | undefined): { start?: number; end?: number } {
  if (value === undefined || value === '') return {};
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new GatewayError('invalid_request', `${param} must be an ISO date or epoch milliseconds`, { param });
  return param.startsWith('start') ? { start: ms } : { end: ms };
}
