// /usage/summary and /usage/timeline filtered by key, team and user, on both engines: random traffic
// over several keys, teams, users and days, then every filter with every grouping over whole days,
// partial days (whole hours and raw edges), one midnight and part of one hour must give exactly the
// numbers computed here from the raw rows themselves; an unknown team gives no groups; a day whose
// raw rows retention pruned is still counted, from usage_daily.
import { describe, expect, it } from 'vitest';
import { createUsageQueries, type UsageGroupBy, type UsageSummary } from '../../../main/metering/usage-queries.js';
import type { UsageOwnerFilter } from '../../../main/metering/usage-owner-filter.js';
import { rebuildUsageRollups, utcDay } from '../../../main/metering/usage-rollups.js';
import type { UsageTimeline } from '../../../main/metering/usage-timeline.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, isPostgresConnection, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { run, writeUnit } from '../../../main/storage/storage-unit.js';
import { ensureUsagePartitions } from '../../../main/storage/usage-partitions.js';
import { ENGINES, useStorageEngines } from '../storage/storage-engines-kit.js';
import { seededRandom } from './usage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 9, 10);
const DAYS = 5;
const engines = useStorageEngines();

const INSERT = sql(
  `INSERT INTO usage_log (request_id, ts, key_id, key_alias, app, requested_model, model_group, provider, prompt_tokens, completion_tokens, cost_micros, latency_ms, status, http_status, endpoint)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '/v1/chat/completions')`,
);
const KEY = sql("INSERT INTO virtual_keys (id, key_hash, key_alias, key_last4, team_id, user_id, created_at, updated_at) VALUES (?, ?, ?, 'abcd', ?, ?, 0, 0)");
const TEAM = sql("INSERT INTO teams (id, team_alias, models, spend_micros, reserved_micros, metadata, blocked, created_at, updated_at) VALUES (?, ?, '[]', 0, 0, '{}', 0, 0, 0)");
const PRUNE_RAW = sql('DELETE FROM usage_log WHERE ts >= ? AND ts < ?');
const PRUNE_HOURS = sql('DELETE FROM usage_hourly WHERE hour >= ? AND hour < ?');

// Who owns each key now: t1 has k0-k2, t2 has k3; u1 owns k0 (in t1) and k3 (in t2), u2 owns k1,
// u3 owns k4 (no team); k5 belongs to nobody; null is the master key.
const OWNERS: Record<string, { team: string | null; user: string | null }> = {
  k0: { team: 't1', user: 'u1' },
  k1: { team: 't1', user: 'u2' },
  k2: { team: 't1', user: null },
  k3: { team: 't2', user: 'u1' },
  k4: { team: null, user: 'u3' },
  k5: { team: null, user: null },
};
const KEYS = [...Object.keys(OWNERS), null];

interface Row {
  id: string;
  ts: number;
  key: string | null;
  app: string;
  model: string;
  provider: string;
  prompt: number;
  completion: number;
  status: string;
  latency: number;
  cost: number;
}

function traffic(count: number, seed: number): Row[] {
  const random = seededRandom(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const statuses = ['success', 'success', 'success', 'success', 'upstream_error', 'rejected'];
  return Array.from({ length: count }, (_, i) => {
    const model = pick(['gpt-4o', 'claude', 'qwen']);
    return {
      id: `r-${String(i).padStart(5, '0')}`,
      ts: D0 + Math.floor(random() * DAYS * DAY),
      key: pick(KEYS),
      app: pick(['cursor', 'claude-code', 'curl', 'zed']),
      model,
      provider: model === 'claude' ? 'anthropic' : model === 'qwen' ? 'dashscope' : 'openai',
      prompt: Math.floor(random() * 2_000),
      completion: Math.floor(random() * 800),
      status: pick(statuses),
      latency: Math.floor(random() * 5_000),
      cost: Math.floor(random() * 10_000),
    };
  });
}

async function seed(connection: StorageConnection, data: Row[]): Promise<void> {
  if (isPostgresConnection(connection)) await ensureUsagePartitions(connection, D0, DAYS + 1);
  await bindUnit(connection, writeUnit(function* () {
    yield* run(TEAM, ['t1', 'research']);
    yield* run(TEAM, ['t2', 'support']);
    for (const [id, owner] of Object.entries(OWNERS)) yield* run(KEY, [id, id.padStart(64, 'h'), `alias-${id}`, owner.team, owner.user]);
    for (const r of data) {
      yield* run(INSERT, [r.id, r.ts, r.key, r.key === null ? null : `alias-${r.key}`, r.app, `req-${r.model}`, r.model, r.provider, r.prompt, r.completion, r.cost, r.latency, r.status, r.status === 'success' ? 200 : 500]);
    }
  }))();
  await rebuildUsageRollups(connection);
}

/** Whether a row is in the filter: its key, and the keys its team and user own now (AND). */
function matches(row: Row, filter: UsageOwnerFilter): boolean {
  if (filter.keyId !== undefined && row.key !== filter.keyId) return false;
  const owner = row.key === null ? undefined : OWNERS[row.key];
  if (filter.teamId !== undefined && owner?.team !== filter.teamId) return false;
  if (filter.userId !== undefined && owner?.user !== filter.userId) return false;
  return true;
}

function groupOf(row: Row, groupBy: UsageGroupBy): string {
  const owner = row.key === null ? undefined : OWNERS[row.key];
  switch (groupBy) {
    case 'app': return row.app;
    case 'model': return row.model;
    case 'provider': return row.provider;
    case 'day': return utcDay(row.ts);
    case 'key': return row.key ?? '';
    case 'team': return owner?.team ?? '';
    case 'user': return owner?.user ?? '';
  }
}

type Measures = { requests: number; errors: number; rejected: number; spend_micros: number; prompt_tokens: number; completion_tokens: number };

/** The summary's groups computed the obvious way, from the raw rows. */
function expectedSummary(data: Row[], start: number, end: number, groupBy: UsageGroupBy, filter: UsageOwnerFilter): Record<string, Measures> {
  const groups: Record<string, Measures> = {};
  for (const row of data) {
    if (row.ts < start || row.ts >= end || !matches(row, filter)) continue;
    const g = (groups[groupOf(row, groupBy)] ??= { requests: 0, errors: 0, rejected: 0, spend_micros: 0, prompt_tokens: 0, completion_tokens: 0 });
    g.requests++;
    if (row.status === 'rejected') g.rejected++;
    else if (row.status !== 'success') g.errors++;
    g.spend_micros += row.cost;
    g.prompt_tokens += row.prompt;
    g.completion_tokens += row.completion;
  }
  return groups;
}

function measuresOf(summary: UsageSummary): Record<string, Measures> {
  return Object.fromEntries(summary.groups.map((g) => [g.group, { requests: g.requests, errors: g.errors, rejected: g.rejected, spend_micros: g.spend_micros, prompt_tokens: g.prompt_tokens, completion_tokens: g.completion_tokens }]));
}

/** The timeline's cells computed from the raw rows: errors there count every non-success. */
function expectedTimeline(data: Row[], start: number, end: number, size: number, filter: UsageOwnerFilter) {
  const cells = new Map<string, { bucket_start: number; app: string; requests: number; errors: number; total_tokens: number; spend_micros: number }>();
  for (const row of data) {
    if (row.ts < start || row.ts >= end || !matches(row, filter)) continue;
    const bucketStart = Math.floor(row.ts / size) * size;
    const id = `${bucketStart}/${row.app}`;
    const cell = cells.get(id) ?? { bucket_start: bucketStart, app: row.app, requests: 0, errors: 0, total_tokens: 0, spend_micros: 0 };
    cell.requests++;
    if (row.status !== 'success') cell.errors++;
    cell.total_tokens += row.prompt + row.completion;
    cell.spend_micros += row.cost;
    cells.set(id, cell);
  }
  return [...cells.values()].sort((a, b) => a.bucket_start - b.bucket_start || a.app.localeCompare(b.app));
}

const FILTERS: UsageOwnerFilter[] = [
  { keyId: 'k1' },
  { keyId: 'k5' },
  { teamId: 't1' },
  { teamId: 't2' },
  { userId: 'u1' },
  { userId: 'u3' },
  { teamId: 't1', userId: 'u1' },
  { keyId: 'k3', teamId: 't1' },
  { keyId: 'k0', teamId: 't1', userId: 'u1' },
];
const GROUP_BYS: UsageGroupBy[] = ['app', 'model', 'provider', 'day', 'key', 'team', 'user'];
const RANGES: [string, number, number][] = [
  ['whole days', D0, D0 + DAYS * DAY],
  ['partial days', D0 + 5 * HOUR + 17 * 60_000, D0 + 3 * DAY + 3 * HOUR + 1],
  ['across one midnight', D0 + 2 * DAY - 90 * 60_000 + 7, D0 + 2 * DAY + 30 * 60_000],
  ['inside one hour', D0 + DAY + 4 * HOUR + 60_000, D0 + DAY + 4 * HOUR + 40 * 60_000],
];

describe('usage summaries and timelines filtered by key, team and user', () => {
  it.each(ENGINES)('equal the numbers computed from the raw rows, for every filter, grouping and range, on %s', async (engine) => {
    const { connection } = await engines.open(engine);
    const data = traffic(1_500, 23);
    await seed(connection, data);
    const queries = createUsageQueries(connection);
    let nonEmpty = 0;
    for (const [name, start, end] of RANGES) {
      for (const filter of FILTERS) {
        for (const groupBy of GROUP_BYS) {
          const summary = await queries.usageSummary({ start, end, groupBy, ...filter });
          const expected = expectedSummary(data, start, end, groupBy, filter);
          expect(measuresOf(summary), `${name} ${JSON.stringify(filter)} by ${groupBy}`).toEqual(expected);
          expect(summary.totals.requests).toBe(Object.values(expected).reduce((n, g) => n + g.requests, 0));
          if (summary.groups.length > 0) nonEmpty++;
        }
        const day = await queries.usageTimeline({ start, end, bucket: 'day', ...filter });
        expect(day.points, `${name} ${JSON.stringify(filter)} by day`).toEqual(expectedTimeline(data, start, end, DAY, filter));
        const hour = await queries.usageTimeline({ start, end, bucket: 'hour', ...filter });
        expect(hour.points, `${name} ${JSON.stringify(filter)} by hour`).toEqual(expectedTimeline(data, start, end, HOUR, filter));
      }
    }
    // Not a comparison of empty answers: most filtered summaries hold groups.
    expect(nonEmpty).toBeGreaterThan(RANGES.length * FILTERS.length * GROUP_BYS.length * 0.6);
  });

  it.each(ENGINES)('answers an unknown team, user or key with no groups, not an error, on %s', async (engine) => {
    const { connection } = await engines.open(engine);
    await seed(connection, traffic(200, 29));
    const queries = createUsageQueries(connection);
    for (const filter of [{ teamId: 'no-such-team' }, { userId: 'no-such-user' }, { keyId: 'no-such-key' }]) {
      for (const groupBy of GROUP_BYS) {
        const summary = await queries.usageSummary({ start: D0, end: D0 + DAYS * DAY, groupBy, ...filter });
        expect(summary.groups).toEqual([]);
        expect(summary.totals.requests).toBe(0);
      }
      const timeline: UsageTimeline = await queries.usageTimeline({ start: D0, end: D0 + DAYS * DAY, bucket: 'day', ...filter });
      expect(timeline.points).toEqual([]);
      expect(timeline.buckets).toHaveLength(DAYS);
    }
  });

  it.each(ENGINES)('still counts a day whose raw rows and hours retention pruned, from usage_daily, on %s', async (engine) => {
    const { connection } = await engines.open(engine);
    const data = traffic(600, 31);
    await seed(connection, data);
    await bindUnit(connection, writeUnit(function* () {
      yield* run(PRUNE_RAW, [D0, D0 + DAY]);
      yield* run(PRUNE_HOURS, [D0, D0 + DAY]);
    }))();
    const queries = createUsageQueries(connection);
    // A pruned day is answered whole (day granularity), as the unfiltered summary does.
    const end = D0 + 2 * DAY + 3 * HOUR;
    for (const filter of [{ teamId: 't1' }, { userId: 'u1' }, { keyId: 'k4' }]) {
      const summary = await queries.usageSummary({ start: D0 + 5 * HOUR, end, groupBy: 'key', ...filter });
      expect(measuresOf(summary)).toEqual(expectedSummary(data, D0, end, 'key', filter));
      const timeline = await queries.usageTimeline({ start: D0 + 5 * HOUR, end, bucket: 'day', ...filter });
      expect(timeline.points).toEqual(expectedTimeline(data, D0, end, DAY, filter));
    }
  });
});
