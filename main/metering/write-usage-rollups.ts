// writeUsageRollups: adds newly inserted usage rows to the rollups, inside the caller's write unit
// (the same transaction as the raw rows, so they always agree), on both engines: the daily and
// hourly rollups per (app, key, model group, provider), and the per-grouping daily ones (migration
// 13, one row per app, model, provider and key a day) that /usage/summary reads. Deltas are summed
// in memory first (a batch of 500 rows from one app costs a few upserts, not 1,000) and upserted in
// sorted key order, so two replicas flushing at once lock rollup rows in the same order and never
// deadlock. Day and hour are computed here and bound: no strftime.
import { multiRowStatement, powerOfTwoChunks, valuesList, type MultiRowStatement } from '../storage/multi-row-statement.js';
import { run, type StorageQuery } from '../storage/storage-unit.js';
import { DAY_MS, HOUR_MS, LATENCY_BUCKET_COLUMNS, LATENCY_BUCKET_COUNT, ROLLUP_GROUPINGS, latencyBucketIndex, utcDay, utcHour, type RollupInput } from './usage-rollups.js';

// `rejected` (refused by policy) is a subset of `errors` (not a success).
const SUM_COLUMNS = ['requests', 'errors', 'rejected', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_sum_ms'] as const;
type SumColumn = (typeof SUM_COLUMNS)[number];

interface RollupDelta extends Record<SumColumn, number> {
  period: string | number;
  app: string;
  key_id: string;
  model_group: string;
  provider: string;
  latency_max_ms: number;
  histogram: number[];
}

/**
 * One upsert statement for n delta rows (a multi-row VALUES list): a batch's deltas cost a few
 * statements, not one each. CASE, not max(a, b): PostgreSQL has no two-argument max. Columns
 * qualified: PostgreSQL needs it in DO UPDATE. The deltas of one statement never share a key
 * (PostgreSQL refuses to update a row twice in one statement), and keep their sorted order.
 */
function upsertStatement(table: string, keyColumns: readonly string[]): MultiRowStatement {
  const columns = [...keyColumns, ...SUM_COLUMNS, 'latency_max_ms', ...LATENCY_BUCKET_COLUMNS];
  return multiRowStatement((n) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(n, columns.length)}
    ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET
      ${[...SUM_COLUMNS, ...LATENCY_BUCKET_COLUMNS].map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')},
      latency_max_ms = CASE WHEN excluded.latency_max_ms > ${table}.latency_max_ms THEN excluded.latency_max_ms ELSE ${table}.latency_max_ms END`);
}

// A period is found from its start (ts floored to `size`), and its key (utcDay / utcHour) computed
// once per distinct start, not a Date per row: with the string keys below, this halved
// rollupDeltas' time (10k rows: ~20 -> ~10 ms), which pays for the per-grouping upserts.
const TARGETS = [
  { statement: upsertStatement('usage_daily', ['day', 'app', 'key_id', 'model_group', 'provider']), size: DAY_MS, periodOf: (start: number): string | number => utcDay(start) },
  { statement: upsertStatement('usage_hourly', ['hour', 'app', 'key_id', 'model_group', 'provider']), size: HOUR_MS, periodOf: (start: number): string | number => utcHour(start) },
];
// The per-grouping daily rows are summed from the usage_daily deltas (TARGETS[0]).
const DAILY_GROUPS = upsertStatement('usage_daily_groups', ['group_by', 'day', 'group_value']);

/** A per-grouping rollup delta (usage_daily_groups). */
interface GroupDelta extends Record<SumColumn, number> {
  group_by: string;
  period: string | number;
  group_value: string;
  latency_max_ms: number;
  histogram: number[];
}

/** The deltas of each rollup table for these rows, sorted by their primary key. */
export function rollupDeltas(rows: readonly RollupInput[]): RollupDelta[][] {
  return TARGETS.map((target) => {
    const pending = new Map<string, RollupDelta>();
    const periods = new Map<number, string | number>();
    for (const row of rows) {
      const keyId = row.key_id ?? '';
      const start = Math.floor(row.ts / target.size) * target.size;
      let period = periods.get(start);
      if (period === undefined) {
        period = target.periodOf(start);
        periods.set(start, period);
      }
      // The lengths of app, key and model make the concatenation unambiguous (no separator can
      // collide with the values), for far less than a JSON.stringify per row.
      const id = `${period}|${row.app.length}|${keyId.length}|${row.model_group.length}|${row.app}${keyId}${row.model_group}${row.provider}`;
      let delta = pending.get(id);
      if (delta === undefined) {
        delta = {
          period, app: row.app, key_id: keyId, model_group: row.model_group, provider: row.provider,
          requests: 0, errors: 0, rejected: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cache_creation_tokens: 0,
          reasoning_tokens: 0, cost_micros: 0, latency_sum_ms: 0, latency_max_ms: 0, histogram: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
        };
        pending.set(id, delta);
      }
      delta.requests += 1;
      delta.prompt_tokens += row.prompt_tokens;
      delta.completion_tokens += row.completion_tokens;
      delta.cached_tokens += row.cached_tokens;
      delta.cache_creation_tokens += row.cache_creation_tokens;
      delta.reasoning_tokens += row.reasoning_tokens;
      delta.cost_micros += row.cost_micros;
      if (row.status === 'success') {
        // Latency statistics describe answered requests; a rejection's 0 ms would drag p50 down.
        const bucket = latencyBucketIndex(row.latency_ms);
        delta.latency_sum_ms += row.latency_ms;
        delta.latency_max_ms = Math.max(delta.latency_max_ms, row.latency_ms);
        delta.histogram[bucket] = (delta.histogram[bucket] as number) + 1;
      } else {
        delta.errors += 1;
        if (row.status === 'rejected') delta.rejected += 1;
      }
    }
    return [...pending.values()].sort(compareDeltas);
  });
}

function compareDeltas(a: RollupDelta, b: RollupDelta): number {
  return compare(a.period, b.period) || compare(a.app, b.app) || compare(a.key_id, b.key_id) || compare(a.model_group, b.model_group) || compare(a.provider, b.provider);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The per-grouping deltas of (day, app, key, model group, provider) deltas: each one adds to its
 * app's, model's, provider's and key's row of its day. Sorted by (group_by, day, group_value), the
 * table's primary key.
 */
function groupDeltas(deltas: readonly RollupDelta[]): GroupDelta[] {
  const pending = new Map<string, GroupDelta>();
  for (const d of deltas) {
    for (const { groupBy, column } of ROLLUP_GROUPINGS) {
      const value = d[column];
      // group_by and the period hold no '|': the value is the rest.
      const id = `${groupBy}|${d.period}|${value}`;
      let g = pending.get(id);
      if (g === undefined) {
        g = {
          group_by: groupBy, period: d.period, group_value: value,
          requests: 0, errors: 0, rejected: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cache_creation_tokens: 0,
          reasoning_tokens: 0, cost_micros: 0, latency_sum_ms: 0, latency_max_ms: 0, histogram: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
        };
        pending.set(id, g);
      }
      // Spelled out, not a loop over SUM_COLUMNS: this runs per delta and grouping, and a keyed
      // property access per column was most of groupDeltas' time in a profile of the flush bench.
      g.requests += d.requests;
      g.errors += d.errors;
      g.rejected += d.rejected;
      g.prompt_tokens += d.prompt_tokens;
      g.completion_tokens += d.completion_tokens;
      g.cached_tokens += d.cached_tokens;
      g.cache_creation_tokens += d.cache_creation_tokens;
      g.reasoning_tokens += d.reasoning_tokens;
      g.cost_micros += d.cost_micros;
      g.latency_sum_ms += d.latency_sum_ms;
      if (d.latency_max_ms > g.latency_max_ms) g.latency_max_ms = d.latency_max_ms;
      const into = g.histogram;
      const from = d.histogram;
      for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) into[i] = (into[i] as number) + (from[i] as number);
    }
  }
  return [...pending.values()].sort((a, b) => compare(a.group_by, b.group_by) || compare(a.period, b.period) || compare(a.group_value, b.group_value));
}

/** Upserts the rows' deltas. Inside a write unit; pass only rows inserted by this transaction. */
export function* writeUsageRollups(rows: readonly RollupInput[]): Generator<StorageQuery, void, unknown> {
  const deltas = rollupDeltas(rows);
  for (let t = 0; t < TARGETS.length; t++) {
    const wide = deltas[t] as RollupDelta[];
    yield* upsert((TARGETS[t] as (typeof TARGETS)[number]).statement, wide, (d) => [d.period, d.app, d.key_id, d.model_group, d.provider]);
  }
  yield* upsert(DAILY_GROUPS, groupDeltas(deltas[0] as RollupDelta[]), (g) => [g.group_by, g.period, g.group_value]);
}

function* upsert<D extends Record<SumColumn, number> & { latency_max_ms: number; histogram: number[] }>(
  statement: MultiRowStatement,
  deltas: readonly D[],
  key: (delta: D) => unknown[],
): Generator<StorageQuery, void, unknown> {
  for (const chunk of powerOfTwoChunks(deltas)) {
    const params: unknown[] = [];
    for (const d of chunk) {
      params.push(...key(d));
      for (const c of SUM_COLUMNS) params.push(d[c]);
      params.push(d.latency_max_ms, ...d.histogram);
    }
    yield* run(statement.forRows(chunk.length), params);
  }
}
