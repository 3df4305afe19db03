// Usage queries for the management API and dashboard: LiteLLM-shaped /spend/logs pages from the
// raw rows, and spend/tokens/requests/errors/latency summaries served from the daily rollups for
// whole days, the hourly rollups for whole hours, and raw rows only for the partial hour at
// either end (so well under 50 ms at a million rows). Read-only; never exposes a key hash.
import type Database from 'better-sqlite3';
import { DAY_MS, HOUR_MS, LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COLUMNS, UTC_DAY_SQL, percentileFromHistogram, utcDay } from './usage-rollups.js';
import type { UsageStatus } from './usage-record.js';
import type { UsageRow } from './usage-ledger.js';
import { createUsageTimeline, type UsageTimeline, type UsageTimelineQuery } from './usage-timeline.js';

/** One /spend/logs row, in LiteLLM's LiteLLM_SpendLogs field names where one exists. */
export interface SpendLogRow {
  request_id: string;
  /** The endpoint, e.g. `/v1/chat/completions` (LiteLLM's call_type). */
  call_type: string;
  /** The virtual key's id (LiteLLM puts the key hash here; we never expose it). Null = master key. */
  api_key: string | null;
  key_alias: string | null;
  /** Who the request is attributed to: the key alias or the app guessed from the User-Agent. */
  app: string;
  user_agent: string | null;
  /** The model group served. */
  model: string;
  model_group: string;
  requested_model: string;
  /** Deployment id (LiteLLM model_info.id). */
  model_id: string | null;
  custom_llm_provider: string;
  /** USD. */
  spend: number;
  spend_micros: number;
  startTime: string;
  endTime: string;
  /** Time of the first token, when there was one. */
  completionStartTime: string | null;
  request_duration_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  status: UsageStatus;
  http_status: number;
  error_code: string | null;
  usage_estimated: boolean;
  retries: number;
  fallbacks: number;
  /** The client's request body, when body logging was on for this request (redacted, capped). */
  request_body: string | null;
  /** The response sent (streams: the generated text), when body logging was on. */
  response_body: string | null;
  /** Why a failed or refused request did not succeed: the message the client got. */
  error_message: string | null;
  /** The upstream's HTTP status, when the failure was its answer. */
  upstream_status: number | null;
  /** A short, redacted excerpt of the upstream's error body. */
  upstream_excerpt: string | null;
}

export interface SpendLogsQuery {
  keyId?: string;
  /** Matches the model group or the requested model name. */
  model?: string;
  /** Inclusive, epoch ms. */
  start?: number;
  /** Exclusive, epoch ms. */
  end?: number;
  page?: number;
  pageSize?: number;
}

export interface SpendLogsPage {
  data: SpendLogRow[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
}

export type UsageGroupBy = 'app' | 'model' | 'provider' | 'day' | 'key';

export interface UsageSummaryQuery {
  /** Inclusive, epoch ms. */
  start: number;
  /** Exclusive, epoch ms. */
  end: number;
  groupBy: UsageGroupBy;
}

export interface UsageSummaryGroup {
  /** The app, model group, provider, day (YYYY-MM-DD, UTC) or key id; '' = none (master key, no provider). */
  group: string;
  /** For groupBy 'key': the key's current alias, when it still exists. */
  label: string | null;
  spend_micros: number;
  /** USD. */
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  requests: number;
  /** Requests that failed (upstream errors, timeouts, cancellations...), refusals not included. */
  errors: number;
  /** Requests refused by policy: a rate limit, the budget, a model the key may not use. */
  rejected: number;
  /** Over successful requests, from the latency histogram (exact to within one bucket). */
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}

export interface UsageSummary {
  start: number;
  end: number;
  group_by: UsageGroupBy;
  groups: UsageSummaryGroup[];
  totals: UsageSummaryGroup;
}

export interface UsageQueries {
  spendLogs(query?: SpendLogsQuery): SpendLogsPage;
  usageSummary(query: UsageSummaryQuery): UsageSummary;
  /** Per app over time, hour or day buckets (usage-timeline.ts). */
  usageTimeline(query: UsageTimelineQuery): UsageTimeline;
}

export const MAX_SPEND_LOGS_PAGE_SIZE = 1_000;

const DAILY_GROUP: Record<UsageGroupBy, string> = { app: 'app', model: 'model_group', provider: 'provider', day: 'day', key: 'key_id' };
const HOURLY_GROUP: Record<UsageGroupBy, string> = { ...DAILY_GROUP, day: "strftime('%Y-%m-%d', hour / 1000, 'unixepoch')" };
const RAW_GROUP: Record<UsageGroupBy, string> = { app: 'app', model: 'model_group', provider: 'provider', day: UTC_DAY_SQL, key: "coalesce(key_id, '')" };

/** A usage_log row as read back, with its bodies and failure joined (null when not captured). */
type LogRow = Omit<UsageRow, 'request_body' | 'response_body' | 'error_message' | 'upstream_status' | 'upstream_excerpt'> & {
  request_body: string | null; response_body: string | null; error_message: string | null; upstream_status: number | null; upstream_excerpt: string | null;
};

interface Sums {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_max_ms: number;
}

/** A usage_daily aggregate; lat_bNN columns hold the histogram. */
type RollupRow = Sums & { grp: string; errors: number; rejected: number } & Record<string, number | string>;

/** A usage_log aggregate per group and latency bucket; bucket -1 holds the failed requests, -2 the rejected ones. */
type RawRow = Sums & { grp: string; bucket: number };

interface Accumulator {
  requests: number;
  /** Not a success, rejections included (as the rollups count them). */
  errors: number;
  rejected: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_max_ms: number;
  histogram: number[];
}

export function createUsageQueries(db: Database.Database): UsageQueries {
  const sums = 'sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens, sum(cached_tokens) AS cached_tokens, sum(reasoning_tokens) AS reasoning_tokens, sum(cost_micros) AS cost_micros';
  // The bucket computed once per row and grouped on: about 3x faster than one sum() per bucket.
  const bucketSql = `CASE WHEN status = 'rejected' THEN -2 WHEN status <> 'success' THEN -1 ${LATENCY_BUCKET_BOUNDS_MS.map((bound, i) => `WHEN latency_ms <= ${bound} THEN ${i}`).join(' ')} ELSE ${LATENCY_BUCKET_BOUNDS_MS.length} END`;
  const rollupStatements = new Map<string, Database.Statement<[string | number, string | number], RollupRow>>();
  const rawStatements = new Map<UsageGroupBy, Database.Statement<[number, number], RawRow>>();
  const anyRaw = db.prepare<[number, number], { found: number }>('SELECT 1 AS found FROM usage_log WHERE ts >= ? AND ts < ? LIMIT 1');
  const keyAlias = db.prepare<[string], { key_alias: string | null }>('SELECT key_alias FROM virtual_keys WHERE id = ?');

  /** Daily rows for days in [from, to] (YYYY-MM-DD), or hourly rows for hours in [from, to) (ms). */
  function rollupStatement(table: 'usage_daily' | 'usage_hourly', groupBy: UsageGroupBy): Database.Statement<[string | number, string | number], RollupRow> {
    const cacheKey = `${table}/${groupBy}`;
    let statement = rollupStatements.get(cacheKey);
    if (statement === undefined) {
      const [group, range] = table === 'usage_daily' ? [DAILY_GROUP[groupBy], 'day >= ? AND day <= ?'] : [HOURLY_GROUP[groupBy], 'hour >= ? AND hour < ?'];
      statement = db.prepare<[string | number, string | number], RollupRow>(
        `SELECT ${group} AS grp, sum(requests) AS requests, sum(errors) AS errors, sum(rejected) AS rejected, ${sums}, max(latency_max_ms) AS latency_max_ms,
           ${LATENCY_BUCKET_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')}
         FROM ${table} WHERE ${range} GROUP BY grp`,
      );
      rollupStatements.set(cacheKey, statement);
    }
    return statement;
  }

  function rawStatement(groupBy: UsageGroupBy): Database.Statement<[number, number], RawRow> {
    let statement = rawStatements.get(groupBy);
    if (statement === undefined) {
      statement = db.prepare<[number, number], RawRow>(
        `SELECT ${RAW_GROUP[groupBy]} AS grp, ${bucketSql} AS bucket, count(*) AS requests, ${sums}, max(latency_ms) AS latency_max_ms
         FROM usage_log WHERE ts >= ? AND ts < ? GROUP BY grp, bucket`,
      );
      rawStatements.set(groupBy, statement);
    }
    return statement;
  }

  // One read transaction: rollups and raw rows come from the same snapshot, even while the
  // usage ledger commits a batch between the reads.
  const summarise = db.transaction((query: UsageSummaryQuery): Map<string, Accumulator> => {
    const groups = new Map<string, Accumulator>();
    const accumulator = (grp: string): Accumulator => {
      let acc = groups.get(grp);
      if (acc === undefined) {
        acc = emptyAccumulator();
        groups.set(grp, acc);
      }
      return acc;
    };
    const addSums = (acc: Accumulator, row: Sums): void => {
      acc.requests += row.requests;
      acc.prompt_tokens += row.prompt_tokens ?? 0;
      acc.completion_tokens += row.completion_tokens ?? 0;
      acc.cached_tokens += row.cached_tokens ?? 0;
      acc.reasoning_tokens += row.reasoning_tokens ?? 0;
      acc.cost_micros += row.cost_micros ?? 0;
    };
    const addRollup = (row: RollupRow): void => {
      const acc = accumulator(row.grp);
      addSums(acc, row);
      acc.errors += row.errors ?? 0;
      acc.rejected += row.rejected ?? 0;
      acc.latency_max_ms = Math.max(acc.latency_max_ms, row.latency_max_ms ?? 0);
      LATENCY_BUCKET_COLUMNS.forEach((column, i) => {
        acc.histogram[i] = (acc.histogram[i] as number) + (Number(row[column]) || 0);
      });
    };
    const addRaw = (row: RawRow): void => {
      const acc = accumulator(row.grp);
      addSums(acc, row);
      if (row.bucket < 0) {
        acc.errors += row.requests;
        if (row.bucket === -2) acc.rejected += row.requests;
      } else {
        acc.histogram[row.bucket] = (acc.histogram[row.bucket] as number) + row.requests;
        acc.latency_max_ms = Math.max(acc.latency_max_ms, row.latency_max_ms ?? 0);
      }
    };

    // [start, end) = partial day + whole days + partial day; each partial day = partial hour +
    // whole hours + partial hour. Days from usage_daily, hours from usage_hourly, the rest raw.
    let firstDay: number | null = null;
    let lastDay: number | null = null;
    const useDay = (dayStart: number): void => {
      firstDay = firstDay === null ? dayStart : Math.min(firstDay, dayStart);
      lastDay = lastDay === null ? dayStart : Math.max(lastDay, dayStart);
    };
    const partialDays: [number, number][] = [];
    const wholeFrom = Math.ceil(query.start / DAY_MS) * DAY_MS;
    const wholeTo = Math.floor(query.end / DAY_MS) * DAY_MS;
    if (wholeFrom < wholeTo) {
      for (const day of [wholeFrom, wholeTo - DAY_MS]) useDay(day);
      if (query.start < wholeFrom) partialDays.push([query.start, wholeFrom]);
      if (wholeTo < query.end) partialDays.push([wholeTo, query.end]);
    } else if (wholeFrom === wholeTo && query.start < wholeFrom && wholeFrom < query.end) {
      // Across one midnight: two partial days.
      partialDays.push([query.start, wholeFrom], [wholeFrom, query.end]);
    } else {
      partialDays.push([query.start, query.end]);
    }
    for (const [from, to] of partialDays) {
      const dayStart = Math.floor(from / DAY_MS) * DAY_MS;
      // No raw row left in the day: retention pruned it (with its hours), or nothing happened.
      // Either way only the daily rollup can answer, at day granularity.
      if (anyRaw.get(dayStart, dayStart + DAY_MS) === undefined) {
        useDay(dayStart);
        continue;
      }
      const hoursFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
      const hoursTo = Math.floor(to / HOUR_MS) * HOUR_MS;
      if (hoursFrom < hoursTo) {
        for (const row of rollupStatement('usage_hourly', query.groupBy).all(hoursFrom, hoursTo)) addRollup(row);
        if (from < hoursFrom) for (const row of rawStatement(query.groupBy).all(from, hoursFrom)) addRaw(row);
        if (hoursTo < to) for (const row of rawStatement(query.groupBy).all(hoursTo, to)) addRaw(row);
      } else {
        for (const row of rawStatement(query.groupBy).all(from, to)) addRaw(row);
      }
    }
    if (firstDay !== null && lastDay !== null) {
      for (const row of rollupStatement('usage_daily', query.groupBy).all(utcDay(firstDay), utcDay(lastDay))) addRollup(row);
    }
    return groups;
  });

  return {
    usageTimeline: createUsageTimeline(db),

    spendLogs(query = {}) {
      const page = Math.max(1, Math.floor(query.page ?? 1));
      const pageSize = Math.min(MAX_SPEND_LOGS_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? 50)));
      const conditions: string[] = [];
      const params: Record<string, string | number> = {};
      if (query.keyId !== undefined) {
        conditions.push('key_id = :keyId');
        params.keyId = query.keyId;
      }
      if (query.model !== undefined) {
        conditions.push('(model_group = :model OR requested_model = :model)');
        params.model = query.model;
      }
      if (query.start !== undefined) {
        conditions.push('ts >= :start');
        params.start = query.start;
      }
      if (query.end !== undefined) {
        conditions.push('ts < :end');
        params.end = query.end;
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const read = db.transaction(() => {
        const total = (db.prepare(`SELECT count(*) AS n FROM usage_log ${where}`).get(params) as { n: number }).n;
        const rows = db
          // Bodies joined to the page's rows only, after the page is cut from usage_log.
          .prepare(`SELECT page.*, b.request_body, b.response_body, e.message AS error_message, e.upstream_status, e.upstream_excerpt
             FROM (SELECT * FROM usage_log ${where} ORDER BY ts DESC, request_id DESC LIMIT :limit OFFSET :offset) AS page
             LEFT JOIN usage_bodies AS b ON b.request_id = page.request_id
             LEFT JOIN usage_errors AS e ON e.request_id = page.request_id
             ORDER BY page.ts DESC, page.request_id DESC`)
          .all({ ...params, limit: pageSize, offset: (page - 1) * pageSize }) as LogRow[];
        return { total, rows };
      });
      const { total, rows } = read();
      return { data: rows.map(toSpendLogRow), total, page, page_size: pageSize, total_pages: Math.ceil(total / pageSize) };
    },

    usageSummary(query) {
      // 8.64e15 ms is the last instant a JS Date can represent.
      if (!Number.isFinite(query.start) || !Number.isFinite(query.end) || query.start < 0 || query.end > 8.64e15) {
        throw new RangeError('usageSummary needs a start and an end in epoch ms.');
      }
      if (!(query.groupBy in DAILY_GROUP)) throw new RangeError(`groupBy must be one of ${Object.keys(DAILY_GROUP).join(', ')}.`);
      const accumulators = query.end > query.start ? summarise(query) : new Map<string, Accumulator>();
      const total = emptyAccumulator();
      const groups: UsageSummaryGroup[] = [];
      for (const [group, acc] of accumulators) {
        if (acc.requests === 0) continue;
        total.requests += acc.requests;
        total.errors += acc.errors;
        total.rejected += acc.rejected;
        total.prompt_tokens += acc.prompt_tokens;
        total.completion_tokens += acc.completion_tokens;
        total.cached_tokens += acc.cached_tokens;
        total.reasoning_tokens += acc.reasoning_tokens;
        total.cost_micros += acc.cost_micros;
        total.latency_max_ms = Math.max(total.latency_max_ms, acc.latency_max_ms);
        acc.histogram.forEach((n, i) => {
          total.histogram[i] = (total.histogram[i] as number) + n;
        });
        const label = query.groupBy === 'key' && group !== '' ? (keyAlias.get(group)?.key_alias ?? null) : null;
        groups.push(toGroup(group, label, acc));
      }
      if (query.groupBy === 'day') groups.sort((a, b) => a.group.localeCompare(b.group));
      else groups.sort((a, b) => b.spend_micros - a.spend_micros || b.requests - a.requests || a.group.localeCompare(b.group));
      return { start: query.start, end: query.end, group_by: query.groupBy, groups, totals: toGroup('total', null, total) };
    },
  };
}

function emptyAccumulator(): Accumulator {
  return { requests: 0, errors: 0, rejected: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, cost_micros: 0, latency_max_ms: 0, histogram: new Array<number>(LATENCY_BUCKET_COLUMNS.length).fill(0) };
}

function toGroup(group: string, label: string | null, acc: Accumulator): UsageSummaryGroup {
  return {
    group,
    label,
    spend_micros: acc.cost_micros,
    spend: acc.cost_micros / 1_000_000,
    prompt_tokens: acc.prompt_tokens,
    completion_tokens: acc.completion_tokens,
    cached_tokens: acc.cached_tokens,
    reasoning_tokens: acc.reasoning_tokens,
    total_tokens: acc.prompt_tokens + acc.completion_tokens,
    requests: acc.requests,
    errors: acc.errors - acc.rejected,
    rejected: acc.rejected,
    p50_latency_ms: percentileFromHistogram(acc.histogram, 0.5, acc.latency_max_ms),
    p95_latency_ms: percentileFromHistogram(acc.histogram, 0.95, acc.latency_max_ms),
  };
}

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
