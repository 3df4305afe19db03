// Usage queries for the management API and dashboard: LiteLLM-shaped /spend/logs pages from the
// raw rows, and spend/tokens/requests/errors/latency summaries served from the per-grouping daily
// rollups for whole days, the hourly rollups for whole hours, and raw rows only for the partial hour
// at either end (10-40 ms at 10 million rows on PostgreSQL). Read-only; never exposes a key hash.
import { bindSnapshotRead } from '../storage/bind-snapshot-read.js';
import { multiRowStatement, placeholders, powerOfTwoChunks } from '../storage/multi-row-statement.js';
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import type { CallMode, ModeOf, Returns, StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit } from '../storage/storage-unit.js';
import { spendLogsUnit } from './spend-logs.js';
import { DAY_MS, HOUR_MS, LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COLUMNS, percentileFromHistogram, utcDay, type RollupGrouping } from './usage-rollups.js';
import type { UsageStatus } from './usage-record.js';
import { createUsageTimeline, type UsageTimeline, type UsageTimelineQuery } from './usage-timeline.js';
import { hasUsageOwnerFilter, usageOwnerConditions, usageOwnerParams, usageOwnerShape, type UsageOwnerFilter } from './usage-owner-filter.js';

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

/** keyId, teamId, userId: the requests of that key, or of the keys the team or user owns (now). */
export interface SpendLogsQuery extends UsageOwnerFilter {
  /** Matches the model group or the requested model name. */
  model?: string;
  /** Inclusive, epoch ms. */
  start?: number;
  /** Exclusive, epoch ms. */
  end?: number;
  page?: number;
  pageSize?: number;
  /**
   * Keyset paging (the efficient way): the `next_cursor` of the previous page, or '' for the first
   * page. When set, `page` is ignored and the total is not counted (null).
   */
  cursor?: string;
}

export interface SpendLogsPage {
  data: SpendLogRow[];
  /** Rows matching the filters; null in cursor mode (counting millions of rows is what a cursor avoids). */
  total: number | null;
  page: number;
  page_size: number;
  total_pages: number | null;
  /** Pass as `cursor` for the next page; null on the last page. Stable under concurrent inserts. */
  next_cursor: string | null;
}

/** Groupings the rollups hold. */
type RollupGroupBy = 'app' | 'model' | 'provider' | 'day' | 'key';
/** 'team' and 'user' fold the key groups by the team or user owning each key now. */
export type UsageGroupBy = RollupGroupBy | 'team' | 'user';

/** With keyId, teamId or userId, only the usage of those keys (usage-owner-filter.ts); an unknown one: no groups. */
export interface UsageSummaryQuery extends UsageOwnerFilter {
  /** Inclusive, epoch ms. */
  start: number;
  /** Exclusive, epoch ms. */
  end: number;
  groupBy: UsageGroupBy;
}

export interface UsageSummaryGroup {
  /** The app, model group, provider, day (YYYY-MM-DD, UTC), key id, team id or user id; '' = none (master key, no provider, no owner). */
  group: string;
  /** For groupBy 'key': the key's current alias, when it still exists; 'team': the team's alias; 'user': the user's email. */
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

export interface UsageQueries<M extends CallMode = 'sync'> {
  spendLogs(query?: SpendLogsQuery): Returns<M, SpendLogsPage>;
  usageSummary(query: UsageSummaryQuery): Returns<M, UsageSummary>;
  /** Per app over time, hour or day buckets (usage-timeline.ts). */
  usageTimeline(query: UsageTimelineQuery): Returns<M, UsageTimeline>;
}

export { MAX_SPEND_LOGS_PAGE_SIZE } from './spend-logs.js';

const GROUP_BYS: readonly RollupGroupBy[] = ['app', 'model', 'provider', 'day', 'key'];
const OWNER_GROUP_BYS: readonly UsageGroupBy[] = ['team', 'user'];
// Whole days come from the per-grouping daily rollups (migration 13): one row per group and day. By
// day, the 'provider' rows, which partition each day. Whole hours (the partial days at either end)
// from usage_hourly, per (app, key, model, provider): at most ~46 hours of them.
const ROLLUP_GROUPING: Record<RollupGroupBy, RollupGrouping> = { app: 'app', model: 'model', provider: 'provider', day: 'provider', key: 'key' };
const DAILY_GROUP: Record<RollupGroupBy, string> = { app: 'group_value', model: 'group_value', provider: 'group_value', day: 'day', key: 'group_value' };
// 'day' from hours and raw rows is the day's start in epoch ms, turned into YYYY-MM-DD in
// TypeScript: the same integer arithmetic on both engines (no strftime).
// A filtered summary reads usage_daily (per app, key, model, provider), which a set of keys can be
// cut from exactly; usage_daily_groups has one grouping per row and cannot be.
const KEYED_DAILY_GROUP: Record<RollupGroupBy, string> = { app: 'app', model: 'model_group', provider: 'provider', day: 'day', key: 'key_id' };
const HOURLY_GROUP: Record<RollupGroupBy, string> = { app: 'app', model: 'model_group', provider: 'provider', day: `(hour / ${DAY_MS}) * ${DAY_MS}`, key: 'key_id' };
const RAW_GROUP: Record<RollupGroupBy, string> = { app: 'app', model: 'model_group', provider: 'provider', day: `(ts / ${DAY_MS}) * ${DAY_MS}`, key: "coalesce(key_id, '')" };

interface Sums {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_max_ms: number;
}

/** A rollup aggregate; lat_bNN columns hold the histogram. */
type RollupRow = Sums & { grp: string | number; errors: number; rejected: number } & Record<string, number | string>;

/** A usage_log aggregate per group and latency bucket; bucket -1 holds the failed requests, -2 the rejected ones. */
type RawRow = Sums & { grp: string | number; bucket: number };

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

// PostgreSQL's sum(bigint) is numeric (read as a string by pg): cast back to BIGINT, which both engines accept.
const SUMS = ['prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens', 'cost_micros'].map((c) => `CAST(sum(${c}) AS BIGINT) AS ${c}`).join(', ');
// The bucket computed once per row and grouped on: about 3x faster than one sum() per bucket.
const BUCKET_SQL = `CASE WHEN status = 'rejected' THEN -2 WHEN status <> 'success' THEN -1 ${LATENCY_BUCKET_BOUNDS_MS.map((bound, i) => `WHEN latency_ms <= ${bound} THEN ${i}`).join(' ')} ELSE ${LATENCY_BUCKET_BOUNDS_MS.length} END`;
const ANY_RAW = sql('SELECT 1 AS found FROM usage_log WHERE ts >= ? AND ts < ? LIMIT 1');
// The aliases of a summary's keys in one statement per power-of-two chunk, not one per key: on
// PostgreSQL each statement is a round trip, and 50 keys' lookups were a third of the summary by key.
const KEY_ALIASES = multiRowStatement((n) => `SELECT id, key_alias FROM virtual_keys WHERE id IN (${placeholders(n)})`);
// Each key's owner now, for the team and user groupings (a deleted team or user: its alias null).
const KEY_TEAMS = multiRowStatement((n) => `SELECT v.id, v.team_id AS owner, t.team_alias AS label FROM virtual_keys v LEFT JOIN teams t ON t.id = v.team_id WHERE v.id IN (${placeholders(n)})`);
const KEY_USERS = multiRowStatement((n) => `SELECT v.id, v.user_id AS owner, u.user_email AS label FROM virtual_keys v LEFT JOIN users u ON u.id = v.user_id WHERE v.id IN (${placeholders(n)})`);

/** `owner`: the filter's conditions, after the range (so its parameters follow the range's). */
function rollupStatement(table: 'usage_daily_groups' | 'usage_daily' | 'usage_hourly', groupBy: RollupGroupBy, owner: readonly string[] = []): SqlStatement {
  // group_by as a literal, not a parameter: the statement reads one range of the primary key.
  const [group, range] =
    table === 'usage_daily_groups' ? [DAILY_GROUP[groupBy], `group_by = '${ROLLUP_GROUPING[groupBy]}' AND day >= ? AND day <= ?`]
    : table === 'usage_daily' ? [KEYED_DAILY_GROUP[groupBy], 'day >= ? AND day <= ?']
    : [HOURLY_GROUP[groupBy], 'hour >= ? AND hour < ?'];
  const where = [range, ...owner].join(' AND ');
  return sql(
    `SELECT ${group} AS grp, CAST(sum(requests) AS BIGINT) AS requests, CAST(sum(errors) AS BIGINT) AS errors, CAST(sum(rejected) AS BIGINT) AS rejected, ${SUMS}, max(latency_max_ms) AS latency_max_ms,
       ${LATENCY_BUCKET_COLUMNS.map((c) => `CAST(sum(${c}) AS BIGINT) AS ${c}`).join(', ')}
     FROM ${table} WHERE ${where} GROUP BY ${group}`,
  );
}

function rawStatement(groupBy: RollupGroupBy, owner: readonly string[] = []): SqlStatement {
  const where = ['ts >= ? AND ts < ?', ...owner].join(' AND ');
  return sql(
    `SELECT ${RAW_GROUP[groupBy]} AS grp, ${BUCKET_SQL} AS bucket, count(*) AS requests, ${SUMS}, max(latency_ms) AS latency_max_ms
     FROM usage_log WHERE ${where} GROUP BY ${RAW_GROUP[groupBy]}, ${BUCKET_SQL}`,
  );
}

/** Every statement defined once, at load: the shim runs once per statement, never per call. */
const DAILY = Object.fromEntries(GROUP_BYS.map((g) => [g, rollupStatement('usage_daily_groups', g)])) as Record<RollupGroupBy, SqlStatement>;
const HOURLY = Object.fromEntries(GROUP_BYS.map((g) => [g, rollupStatement('usage_hourly', g)])) as Record<RollupGroupBy, SqlStatement>;
const RAW = Object.fromEntries(GROUP_BYS.map((g) => [g, rawStatement(g)])) as Record<RollupGroupBy, SqlStatement>;

interface SummaryStatements {
  daily: SqlStatement;
  hourly: SqlStatement;
  raw: SqlStatement;
}
const filteredStatements = new Map<string, SummaryStatements>();

/**
 * The statements for a grouping: unfiltered, the per-grouping daily rollups (the fast path, as
 * before filters existed); filtered, usage_daily cut to the filter's keys, built the first time a
 * filter shape is asked for (at most 5 groupings x 7 shapes).
 */
function summaryStatements(groupBy: RollupGroupBy, filter: UsageOwnerFilter): SummaryStatements {
  if (!hasUsageOwnerFilter(filter)) return { daily: DAILY[groupBy], hourly: HOURLY[groupBy], raw: RAW[groupBy] };
  const shape = usageOwnerShape(filter);
  const id = JSON.stringify([groupBy, shape]);
  let found = filteredStatements.get(id);
  if (found === undefined) {
    const owner = usageOwnerConditions(shape);
    found = { daily: rollupStatement('usage_daily', groupBy, owner), hourly: rollupStatement('usage_hourly', groupBy, owner), raw: rawStatement(groupBy, owner) };
    filteredStatements.set(id, found);
  }
  return found;
}

/** A group value as the API shows it: 'day' groups from hours and raw rows arrive as epoch ms. */
function groupName(groupBy: UsageGroupBy, grp: string | number): string {
  return groupBy === 'day' && typeof grp === 'number' ? utcDay(grp) : String(grp);
}

const summaryUnit = readUnit(function* (query: UsageSummaryQuery) {
  // 8.64e15 ms is the last instant a JS Date can represent.
  if (!Number.isFinite(query.start) || !Number.isFinite(query.end) || query.start < 0 || query.end > 8.64e15) {
    throw new RangeError('usageSummary needs a start and an end in epoch ms.');
  }
  const byOwner = OWNER_GROUP_BYS.includes(query.groupBy);
  if (!byOwner && !GROUP_BYS.includes(query.groupBy as RollupGroupBy)) throw new RangeError(`groupBy must be one of ${[...GROUP_BYS, ...OWNER_GROUP_BYS].join(', ')}.`);
  // Teams and users are read as key groups, then folded by owner below.
  const rollupGroupBy: RollupGroupBy = byOwner ? 'key' : (query.groupBy as RollupGroupBy);
  const statements = summaryStatements(rollupGroupBy, query);
  // Each statement's range parameters come first, then the filter's.
  const owner = usageOwnerParams(query);
  let groups = new Map<string, Accumulator>();
  const accumulator = (grp: string | number): Accumulator => {
    const name = groupName(query.groupBy, grp);
    let acc = groups.get(name);
    if (acc === undefined) {
      acc = emptyAccumulator();
      groups.set(name, acc);
    }
    return acc;
  };
  const addSums = (acc: Accumulator, row: Sums): void => {
    acc.requests += Number(row.requests);
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

  if (query.end > query.start) {
    // [start, end) = partial day + whole days + partial day; each partial day = partial hour +
    // whole hours + partial hour. Days from usage_daily_groups, hours from usage_hourly, the rest raw.
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
      // Unfiltered even for a filtered summary: retention prunes by time, every key's rows at once.
      // Either way only the daily rollup can answer, at day granularity.
      if ((yield* get<{ found: number }>(ANY_RAW, [dayStart, dayStart + DAY_MS])) === undefined) {
        useDay(dayStart);
        continue;
      }
      const hoursFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
      const hoursTo = Math.floor(to / HOUR_MS) * HOUR_MS;
      if (hoursFrom < hoursTo) {
        for (const row of yield* all<RollupRow>(statements.hourly, [hoursFrom, hoursTo, ...owner])) addRollup(row);
        if (from < hoursFrom) for (const row of yield* all<RawRow>(statements.raw, [from, hoursFrom, ...owner])) addRaw(row);
        if (hoursTo < to) for (const row of yield* all<RawRow>(statements.raw, [hoursTo, to, ...owner])) addRaw(row);
      } else {
        for (const row of yield* all<RawRow>(statements.raw, [from, to, ...owner])) addRaw(row);
      }
    }
    if (firstDay !== null && lastDay !== null) {
      for (const row of yield* all<RollupRow>(statements.daily, [utcDay(firstDay), utcDay(lastDay), ...owner])) addRollup(row);
    }
  }

  const aliases = new Map<string, string | null>();
  if (byOwner) {
    const owned = new Map<string, Accumulator>();
    const ownerOf = new Map<string, { owner: string | null; label: string | null }>();
    const keyIds = [...groups].filter(([group, acc]) => group !== '' && acc.requests !== 0).map(([group]) => group);
    const statement = query.groupBy === 'team' ? KEY_TEAMS : KEY_USERS;
    for (const chunk of powerOfTwoChunks(keyIds)) {
      for (const row of yield* all<{ id: string; owner: string | null; label: string | null }>(statement.forRows(chunk.length), chunk)) ownerOf.set(row.id, row);
    }
    for (const [keyId, acc] of groups) {
      // The master key's requests, an ownerless key's and a deleted key's: no owner ('').
      const found = ownerOf.get(keyId);
      const owner = found?.owner ?? '';
      if (owner !== '' && !aliases.has(owner)) aliases.set(owner, found?.label ?? null);
      const into = owned.get(owner) ?? emptyAccumulator();
      owned.set(owner, mergeAccumulators(into, acc));
    }
    groups = owned;
  } else if (query.groupBy === 'key') {
    const keyIds = [...groups].filter(([group, acc]) => group !== '' && acc.requests !== 0).map(([group]) => group);
    for (const chunk of powerOfTwoChunks(keyIds)) {
      for (const row of yield* all<{ id: string; key_alias: string | null }>(KEY_ALIASES.forRows(chunk.length), chunk)) aliases.set(row.id, row.key_alias);
    }
  }
  const total = emptyAccumulator();
  const result: UsageSummaryGroup[] = [];
  for (const [group, acc] of groups) {
    if (acc.requests === 0) continue;
    mergeAccumulators(total, acc);
    result.push(toGroup(group, aliases.get(group) ?? null, acc));
  }
  if (query.groupBy === 'day') result.sort((a, b) => a.group.localeCompare(b.group));
  else result.sort((a, b) => b.spend_micros - a.spend_micros || b.requests - a.requests || a.group.localeCompare(b.group));
  return { start: query.start, end: query.end, group_by: query.groupBy, groups: result, totals: toGroup('total', null, total) };
});

export function createUsageQueries<C extends StorageConnection>(connection: C): UsageQueries<ModeOf<C>> {
  return {
    usageTimeline: createUsageTimeline(connection),
    spendLogs: bindSnapshotRead(connection, spendLogsUnit),
    usageSummary: bindSnapshotRead(connection, summaryUnit),
  };
}

/** Adds `source` into `target` (sums, histogram, max latency) and returns `target`. */
function mergeAccumulators(target: Accumulator, source: Accumulator): Accumulator {
  target.requests += source.requests;
  target.errors += source.errors;
  target.rejected += source.rejected;
  target.prompt_tokens += source.prompt_tokens;
  target.completion_tokens += source.completion_tokens;
  target.cached_tokens += source.cached_tokens;
  target.reasoning_tokens += source.reasoning_tokens;
  target.cost_micros += source.cost_micros;
  target.latency_max_ms = Math.max(target.latency_max_ms, source.latency_max_ms);
  source.histogram.forEach((n, i) => {
    target.histogram[i] = (target.histogram[i] as number) + n;
  });
  return target;
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
