// /spend/logs pages from raw usage rows, newest first, one definition for both engines: the
// filtered statement is built once per filter shape and cached; a page is cut by OFFSET
// (LiteLLM-compatible page numbers) or, the efficient way, by a keyset cursor, the (ts,
// request_id) of the previous page's last row, which an index range seek reaches at any depth and
// which never skips or repeats a row while new ones are inserted. Read-only; never exposes a key hash.
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import { all, get, readUnit } from '../storage/storage-unit.js';
import type { UsageRow } from './usage-ledger.js';
import { usageOwnerConditions, usageOwnerParams } from './usage-owner-filter.js';
import type { SpendLogRow, SpendLogsPage, SpendLogsQuery } from './usage-queries.js';

export const MAX_SPEND_LOGS_PAGE_SIZE = 1_000;

/** The opaque cursor: base64url of JSON [ts, request_id] of the last row of a page. */
export function encodeSpendLogsCursor(ts: number, requestId: string): string {
  return Buffer.from(JSON.stringify([ts, requestId])).toString('base64url');
}

export function decodeSpendLogsCursor(cursor: string): { ts: number; requestId: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || typeof value[1] !== 'string') {
    throw new RangeError('cursor is not one this server gave out (pass next_cursor back unchanged).');
  }
  return { ts: value[0] as number, requestId: value[1] as string };
}

interface Filters {
  keyId: boolean;
  teamId: boolean;
  userId: boolean;
  app: boolean;
  model: boolean;
  start: boolean;
  end: boolean;
  after: boolean;
}

const statements = new Map<string, { count: SqlStatement; page: SqlStatement }>();

/** The statements for one filter shape, built the first time it is asked for (at most 128 shapes). */
function statementsFor(filters: Filters): { count: SqlStatement; page: SqlStatement } {
  const id = JSON.stringify(filters);
  let found = statements.get(id);
  if (found === undefined) {
    // A team's or user's requests are those of the keys it owns now: the same condition as the summaries'.
    const conditions = usageOwnerConditions(filters);
    if (filters.model) conditions.push('(model_group = ? OR requested_model = ?)');
    if (filters.start) conditions.push('ts >= ?');
    if (filters.end) conditions.push('ts < ?');
    // Row-after-cursor, spelled so both planners see the ts range bound: ts <= c AND (ts < c OR id < c_id).
    if (filters.after) conditions.push('ts <= ? AND (ts < ? OR request_id < ?)');
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    found = {
      count: sql(`SELECT count(*) AS n FROM usage_log ${where}`),
      // Bodies joined to the page's rows only, after the page is cut from usage_log.
      page: sql(`SELECT page.*, b.request_body, b.response_body, e.message AS error_message, e.upstream_status, e.upstream_excerpt
         FROM (SELECT * FROM usage_log ${where} ORDER BY ts DESC, request_id DESC LIMIT ? OFFSET ?) AS page
         LEFT JOIN usage_bodies AS b ON b.request_id = page.request_id
         LEFT JOIN usage_errors AS e ON e.request_id = page.request_id
         ORDER BY page.ts DESC, page.request_id DESC`),
    };
    statements.set(id, found);
  }
  return found;
}

export const spendLogsUnit = readUnit(function* (query: SpendLogsQuery = {}) {
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const pageSize = Math.min(MAX_SPEND_LOGS_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? 50)));
  const keyset = query.cursor !== undefined;
  const after = keyset && query.cursor !== '' ? decodeSpendLogsCursor(query.cursor as string) : null;
  const params: unknown[] = usageOwnerParams(query);
  if (query.model !== undefined) params.push(query.model, query.model);
  if (query.start !== undefined) params.push(query.start);
  if (query.end !== undefined) params.push(query.end);
  const filterParams = [...params];
  if (after !== null) params.push(after.ts, after.ts, after.requestId);
  const { count, page: pageStatement } = statementsFor({
    keyId: query.keyId !== undefined,
    teamId: query.teamId !== undefined,
    userId: query.userId !== undefined,
    app: query.app !== undefined,
    model: query.model !== undefined,
    start: query.start !== undefined,
    end: query.end !== undefined,
    after: after !== null,
  });
  const total = keyset ? null : Number((yield* get<{ n: number }>(count, filterParams))?.n ?? 0);
  // One row more than the page: whether there is a next page, without counting.
  const rows = yield* all<LogRow>(pageStatement, [...params, pageSize + 1, keyset ? 0 : (page - 1) * pageSize]);
  const more = rows.length > pageSize;
  if (more) rows.pop();
  const last = rows.at(-1);
  const result: SpendLogsPage = {
    data: rows.map(toSpendLogRow),
    total,
    page: keyset ? 1 : page,
    page_size: pageSize,
    total_pages: total === null ? null : Math.ceil(total / pageSize),
    next_cursor: more && last !== undefined ? encodeSpendLogsCursor(last.ts, last.request_id) : null,
  };
  return result;
});

/** A usage_log row as read back, with its bodies and failure joined (null when not captured). */
type LogRow = Omit<UsageRow, 'request_body' | 'response_body' | 'error_message' | 'upstream_status' | 'upstream_excerpt'> & {
  request_body: string | null; response_body: string | null; error_message: string | null; upstream_status: number | null; upstream_excerpt: string | null;
};


function toSpendLogRow(row: LogRow): SpendLogRow {
  return {
    request_id: row.request_id,
    call_type: row.endpoint,
    api_key: row.key_id,
    key_alias: row.key_alias,
    app: row.app,
    user_agent: row.user_agent,
    model: row.model_group,
    model_group: row.model_group,
    requested_model: row.requested_model,
    model_id: row.deployment_id,
    custom_llm_provider: row.provider,
    spend: row.cost_micros / 1_000_000,
    spend_micros: row.cost_micros,
    startTime: new Date(row.ts).toISOString(),
    endTime: new Date(row.ts + row.latency_ms).toISOString(),
    completionStartTime: row.ttft_ms === null ? null : new Date(row.ts + row.ttft_ms).toISOString(),
    request_duration_ms: row.latency_ms,
    prompt_tokens: row.prompt_tokens,
    completion_tokens: row.completion_tokens,
    total_tokens: row.prompt_tokens + row.completion_tokens,
    cached_tokens: row.cached_tokens,
    cache_creation_tokens: row.cache_creation_tokens,
    reasoning_tokens: row.reasoning_tokens,
    status: row.status,
    http_status: row.http_status,
    error_code: row.error_code,
    usage_estimated: row.usage_estimated === 1,
    retries: row.retries,
    fallbacks: row.fallbacks,
    request_body: row.request_body,
    response_body: row.response_body,
    error_message: row.error_message,
    upstream_status: row.upstream_status,
    upstream_excerpt: row.upstream_excerpt,
  };
}
