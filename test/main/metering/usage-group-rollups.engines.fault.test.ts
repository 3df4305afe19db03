// The per-grouping daily rollups (usage_daily_groups; migration 13), which the summaries read for
// whole days, must always equal the sums of the raw rows they stand for, on both engines: after
// batches replayed with duplicates, after retention (which keeps them as history, as it keeps
// usage_daily), and after a rebuild repairs damaged rows. The expected rows are computed here in
// TypeScript from the raw usage_log rows, independently of the writer.
import { describe, expect, it } from 'vitest';
import { pruneRawUsage } from '../../../main/metering/prune-raw-usage.js';
import { latencyBucketIndex, LATENCY_BUCKET_COLUMNS, rebuildUsageRollups, utcDay } from '../../../main/metering/usage-rollups.js';
import { toUsageRow } from '../../../main/metering/usage-row.js';
import { writeUsageBatch } from '../../../main/metering/write-usage-batch.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, isPostgresConnection, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { all, readUnit, run, writeUnit } from '../../../main/storage/storage-unit.js';
import { ensureUsagePartitions } from '../../../main/storage/usage-partitions.js';
import { ENGINES, useStorageEngines } from '../storage/storage-engines-kit.js';
import { seededRandom, usageRecord } from './usage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 2);
const engines = useStorageEngines();

const GROUPINGS = [['app', 'app'], ['model', 'model_group'], ['provider', 'provider'], ['key', 'key_id']] as const;
const SUMMED = ['requests', 'errors', 'rejected', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros', 'latency_sum_ms', ...LATENCY_BUCKET_COLUMNS];
const COLUMNS = ['period', 'group_by', 'group_value', ...SUMMED, 'latency_max_ms'];

interface RawRow {
  ts: number;
  app: string;
  key_id: string;
  model_group: string;
  provider: string;
  status: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  latency_ms: number;
}

type GroupRow = Record<string, string | number>;

const RAW = sql(`SELECT ts, app, coalesce(key_id, '') AS key_id, model_group, provider, status, prompt_tokens, completion_tokens, cached_tokens,
  cache_creation_tokens, reasoning_tokens, cost_micros, latency_ms FROM usage_log`);
const DAILY_GROUPS = sql(`SELECT day AS ${COLUMNS.join(', ')} FROM usage_daily_groups`);

/** Numbers as numbers (pg reads BIGINT through the pool's parser already), sorted by key. */
function normalise(rows: GroupRow[]): GroupRow[] {
  return rows
    .map((row) => Object.fromEntries(COLUMNS.map((c) => [c, c === 'group_by' || c === 'group_value' || typeof row[c] === 'string' ? row[c] : Number(row[c])])) as GroupRow)
    .sort((a, b) => JSON.stringify([a.group_by, a.period, a.group_value]).localeCompare(JSON.stringify([b.group_by, b.period, b.group_value])));
}

/** The per-grouping rows the raw rows add up to, per UTC day. */
function expected(raw: RawRow[]): GroupRow[] {
  const periodOf = utcDay;
  const rows = new Map<string, GroupRow>();
  for (const r of raw) {
    for (const [groupBy, column] of GROUPINGS) {
      const id = JSON.stringify([groupBy, periodOf(Number(r.ts)), r[column]]);
      let g = rows.get(id);
      if (g === undefined) {
        g = { period: periodOf(Number(r.ts)), group_by: groupBy, group_value: r[column], latency_max_ms: 0, ...Object.fromEntries(SUMMED.map((c) => [c, 0])) };
        rows.set(id, g);
      }
      const add = (c: string, n: number) => {
        g![c] = (g![c] as number) + n;
      };
      add('requests', 1);
      for (const c of ['prompt_tokens', 'completion_tokens', 'cached_tokens', 'cache_creation_tokens', 'reasoning_tokens', 'cost_micros'] as const) add(c, Number(r[c]));
      if (r.status === 'success') {
        add('latency_sum_ms', Number(r.latency_ms));
        add(LATENCY_BUCKET_COLUMNS[latencyBucketIndex(Number(r.latency_ms))]!, 1);
        g.latency_max_ms = Math.max(g.latency_max_ms as number, Number(r.latency_ms));
      } else {
        add('errors', 1);
        if (r.status === 'rejected') add('rejected', 1);
      }
    }
  }
  return normalise([...rows.values()]);
}

async function read(connection: StorageConnection) {
  return bindUnit(connection, readUnit(function* () {
    return {
      raw: yield* all<RawRow>(RAW),
      daily: normalise(yield* all<GroupRow>(DAILY_GROUPS)),
    };
  }))();
}

function records(count: number) {
  const random = seededRandom(16);
  const statuses = ['success', 'success', 'success', 'upstream_error', 'rejected'] as const;
  return Array.from({ length: count }, (_, i) =>
    usageRecord({
      requestId: `g-${i}`,
      ts: D0 + Math.floor(random() * 3 * DAY),
      keyId: i % 4 === 0 ? null : `key-${i % 3}`,
      app: ['cursor', 'claude-code', 'curl'][i % 3]!,
      modelGroup: ['gpt-4o', 'claude', 'qwen'][Math.floor(random() * 3)]!,
      provider: ['openai', 'anthropic'][i % 2]!,
      status: statuses[i % statuses.length]!,
      latencyMs: Math.floor(random() * 8_000),
      costMicros: Math.floor(random() * 10_000),
      promptTokens: 10 + (i % 90),
      cachedTokens: i % 7,
      reasoningTokens: i % 5,
    }),
  );
}

describe.each(ENGINES)('per-grouping usage rollups on %s', (engine) => {
  it('equal the sums of the raw rows after replayed batches, retention and a rebuild', async () => {
    const { connection } = await engines.open(engine);
    if (isPostgresConnection(connection)) await ensureUsagePartitions(connection, D0, 3);
    const write = bindUnit(connection, writeUsageBatch);
    const rows = records(600).map(toUsageRow);

    // Batches of 50, then the first 200 again (a replay after a lost acknowledgement) and a batch
    // mixing written and new rows: each request id counts once.
    for (let i = 0; i < 400; i += 50) await write(rows.slice(i, i + 50));
    for (let i = 0; i < 200; i += 50) expect((await write(rows.slice(i, i + 50))).inserted).toBe(0);
    expect((await write([...rows.slice(350, 450), ...rows.slice(100, 120)])).inserted).toBe(50);
    await write(rows.slice(450));
    await write(rows.slice(450, 460)); // a duplicate inside a later flush

    const before = await read(connection);
    expect(before.raw).toHaveLength(600);
    expect(before.daily).toEqual(expected(before.raw));
    expect(before.daily.filter((g) => g.group_by === 'key').map((g) => g.group_value)).toContain(''); // master key

    // Retention prunes the raw rows before D0 + 1 day; the daily rows stay as the history of that day.
    const pruned = await pruneRawUsage(connection, { clock: { now: () => D0 + 2 * DAY + 5 * HOUR }, retentionDays: 1 });
    expect(pruned.cutoff).toBe(D0 + DAY);
    const after = await read(connection);
    expect(after.raw.length).toBeLessThan(600);
    expect(after.raw.every((r) => Number(r.ts) >= D0 + DAY)).toBe(true);
    expect(after.daily).toEqual(before.daily);

    // A rebuild repairs damaged rows of the days that still have raw rows and leaves the pruned day's history.
    await bindUnit(connection, writeUnit(function* () {
      yield* run(sql("DELETE FROM usage_daily_groups WHERE day = ? AND group_by = 'key'"), [utcDay(D0 + DAY)]);
      yield* run(sql("UPDATE usage_daily_groups SET requests = requests + 5, lat_b03 = 0 WHERE group_by = 'model' AND day = ?"), [utcDay(D0 + 2 * DAY)]);
      yield* run(sql("INSERT INTO usage_daily_groups (day, group_by, group_value, requests) VALUES (?, 'app', 'ghost', 9)"), [utcDay(D0 + 2 * DAY)]);
    }))();
    expect((await read(connection)).daily).not.toEqual(before.daily);
    expect((await rebuildUsageRollups(connection)).days).toBe(2);
    const rebuilt = await read(connection);
    expect(rebuilt.daily).toEqual(before.daily);
    expect(rebuilt.daily.filter((g) => g.period !== utcDay(D0))).toEqual(expected(rebuilt.raw));
  }, 60_000);
});
