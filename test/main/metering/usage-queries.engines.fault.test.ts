// The usage queries from one definition on both engines: the same rows written to an SQLite file
// and to PostgreSQL (partitioned usage_log, migration 10), the rollups rebuilt by the same unit,
// then every summary grouping, the timeline and /spend/logs pages (offset and keyset cursor) must
// come back identical, and a cursor walk must neither skip nor repeat rows while rows are inserted.
import { describe, expect, it } from 'vitest';
import { decodeSpendLogsCursor } from '../../../main/metering/spend-logs.js';
import { createUsageQueries, type UsageGroupBy } from '../../../main/metering/usage-queries.js';
import { rebuildUsageRollups } from '../../../main/metering/usage-rollups.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { run, writeUnit } from '../../../main/storage/storage-unit.js';
import { ensureUsagePartitions } from '../../../main/storage/usage-partitions.js';
import { isPostgresConnection } from '../../../main/storage/storage-connection.js';
import { ENGINES, useStorageEngines } from '../storage/storage-engines-kit.js';
import { seededRandom } from './usage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 9, 10);
const engines = useStorageEngines();

const INSERT = sql(
  `INSERT INTO usage_log (request_id, ts, key_id, key_alias, app, requested_model, model_group, provider, prompt_tokens, completion_tokens, cost_micros, latency_ms, status, http_status, endpoint)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '/v1/chat/completions') ON CONFLICT DO NOTHING`,
);
const KEY = sql("INSERT INTO virtual_keys (id, key_hash, key_alias, key_last4, created_at, updated_at) VALUES (?, ?, ?, 'abcd', 0, 0)");

interface Row {
  id: string;
  ts: number;
  key: string | null;
  app: string;
  model: string;
  status: string;
  latency: number;
  cost: number;
}

function rows(count: number, seed: number): Row[] {
  const random = seededRandom(seed);
  const statuses = ['success', 'success', 'success', 'upstream_error', 'rejected'];
  return Array.from({ length: count }, (_, i) => ({
    id: `r${seed}-${String(i).padStart(5, '0')}`,
    ts: D0 + Math.floor(random() * 3 * DAY),
    key: i % 4 === 0 ? null : `key-${i % 3}`,
    app: ['cursor', 'claude-code', 'curl'][i % 3] as string,
    model: ['gpt-4o', 'claude', 'qwen'][Math.floor(random() * 3)] as string,
    status: statuses[i % statuses.length] as string,
    latency: Math.floor(random() * 5_000),
    cost: Math.floor(random() * 10_000),
  }));
}

const insertRows = writeUnit(function* (batch: Row[]) {
  for (const r of batch) {
    yield* run(INSERT, [r.id, r.ts, r.key, r.key === null ? null : `alias-${r.key}`, r.app, `req-${r.model}`, r.model, 'openai', 100, 50, r.cost, r.latency, r.status, r.status === 'success' ? 200 : 500]);
  }
});

async function seed(connection: StorageConnection, data: Row[]): Promise<void> {
  if (isPostgresConnection(connection)) await ensureUsagePartitions(connection, D0, 3);
  await bindUnit(connection, writeUnit(function* () {
    for (const id of ['key-0', 'key-1', 'key-2']) yield* run(KEY, [id, id.padStart(64, 'h'), `alias-${id}`]);
  }))();
  await bindUnit(connection, insertRows)(data);
  await rebuildUsageRollups(connection);
}

async function everything(connection: StorageConnection) {
  const queries = createUsageQueries(connection);
  const summaries: Record<string, unknown> = {};
  const ranges: [number, number][] = [
    [D0, D0 + 3 * DAY], // whole days (usage_daily)
    [D0 + 5 * HOUR + 17 * 60_000, D0 + 2 * DAY + 3 * HOUR + 1], // partial days, whole hours and raw edges
    [D0 + DAY - 30 * 60_000, D0 + DAY + 30 * 60_000], // across one midnight
  ];
  for (const [start, end] of ranges) {
    for (const groupBy of ['app', 'model', 'provider', 'day', 'key'] as UsageGroupBy[]) {
      summaries[`${start}/${end}/${groupBy}`] = await queries.usageSummary({ start, end, groupBy });
    }
  }
  const timelines = [
    await queries.usageTimeline({ start: D0 + 3 * HOUR + 5, end: D0 + 3 * DAY, bucket: 'day' }),
    await queries.usageTimeline({ start: D0 + 3 * HOUR + 5, end: D0 + 2 * DAY + 7, bucket: 'hour' }),
  ];
  const pages = [
    await queries.spendLogs({ pageSize: 7, page: 3 }),
    await queries.spendLogs({ keyId: 'key-1', pageSize: 5 }),
    await queries.spendLogs({ model: 'req-claude', start: D0 + DAY, end: D0 + 2 * DAY, pageSize: 4, page: 2 }),
  ];
  return { summaries, timelines, pages };
}

async function walk(connection: StorageConnection, query: { keyId?: string; pageSize: number }, onPage?: (n: number) => Promise<void>): Promise<string[]> {
  const queries = createUsageQueries(connection);
  const seen: string[] = [];
  let cursor = '';
  for (let n = 0; ; n++) {
    const page = await queries.spendLogs({ ...query, cursor });
    expect(page.total).toBeNull();
    seen.push(...page.data.map((r) => r.request_id));
    if (page.next_cursor === null) return seen;
    cursor = page.next_cursor;
    await onPage?.(n);
  }
}

describe('usage queries on both engines', () => {
  it('give the same summaries, timelines and pages on SQLite and PostgreSQL for the same rows', async () => {
    const data = rows(600, 7);
    const results = [];
    for (const engine of ENGINES) {
      const { connection } = await engines.open(engine);
      await seed(connection, data);
      results.push(await everything(connection));
    }
    const [onSqlite, onPostgres] = results;
    expect(onPostgres).toEqual(onSqlite);
    // And the answers are the data's, not two equal mistakes.
    const whole = onSqlite!.summaries[`${D0}/${D0 + 3 * DAY}/app`] as { totals: { requests: number; spend_micros: number; rejected: number } };
    expect(whole.totals.requests).toBe(600);
    expect(whole.totals.spend_micros).toBe(data.reduce((sum, r) => sum + r.cost, 0));
    expect(whole.totals.rejected).toBe(data.filter((r) => r.status === 'rejected').length);
    const byKey = onSqlite!.pages[1]!;
    expect(byKey.data.every((r) => r.api_key === 'key-1')).toBe(true);
    expect(byKey.total).toBe(data.filter((r) => r.key === 'key-1').length);
  });

  it.each(ENGINES)('walks /spend/logs by cursor on %s without skipping or repeating a row while new rows arrive', async (engine) => {
    const { connection } = await engines.open(engine);
    const data = rows(120, 11);
    await seed(connection, data);
    const expected = [...data].sort((a, b) => b.ts - a.ts || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0)).map((r) => r.id);
    // Newer rows (the live traffic) and rows in the same millisecond as existing ones arrive mid-walk:
    // they sort before the cursor, so the walk neither shows nor shifts for them.
    const keyed = await walk(connection, { keyId: 'key-2', pageSize: 4 });
    expect(keyed).toEqual(expected.filter((id) => data.find((r) => r.id === id)!.key === 'key-2'));
    const late = rows(10, 12).map((r, i) => ({ ...r, id: `zz-late-${i}`, ts: D0 + 3 * DAY - 1 + i }));
    const seen = await walk(connection, { pageSize: 13 }, async (n) => {
      if (n < late.length) await bindUnit(connection, insertRows)([late[n]!]);
    });
    expect(seen).toEqual(expected);
  });

  it.each(ENGINES)('filters /spend/logs by the team or the user owning the key on %s', async (engine) => {
    const { connection } = await engines.open(engine);
    const data = rows(90, 13);
    await seed(connection, data);
    // key-0 and key-1 belong to team t1; key-1 and key-2 to user u1 (ownership is the key's, now).
    await bindUnit(connection, writeUnit(function* () {
      yield* run(sql("UPDATE virtual_keys SET team_id = 't1' WHERE id IN ('key-0', 'key-1')"));
      yield* run(sql("UPDATE virtual_keys SET user_id = 'u1' WHERE id IN ('key-1', 'key-2')"));
    }))();
    const queries = createUsageQueries(connection);
    const ids = async (query: { teamId?: string; userId?: string }) => (await queries.spendLogs({ ...query, pageSize: 500 })).data.map((r) => r.request_id).sort();
    const of = (keys: string[]) => data.filter((r) => r.key !== null && keys.includes(r.key)).map((r) => r.id).sort();
    expect(await ids({ teamId: 't1' })).toEqual(of(['key-0', 'key-1']));
    expect(await ids({ userId: 'u1' })).toEqual(of(['key-1', 'key-2']));
    expect(await ids({ teamId: 't1', userId: 'u1' })).toEqual(of(['key-1']));
    expect(await ids({ teamId: 'no-such-team' })).toEqual([]);
    expect((await queries.spendLogs({ teamId: 't1', pageSize: 5 })).total).toBe(of(['key-0', 'key-1']).length);
  });

  it.each(ENGINES)('groups /usage/summary by the team or the user owning each key on %s, summing exactly what the keys hold', async (engine) => {
    const { connection } = await engines.open(engine);
    const data = rows(300, 17);
    await seed(connection, data);
    await bindUnit(connection, writeUnit(function* () {
      yield* run(sql("INSERT INTO teams (id, team_alias, models, spend_micros, reserved_micros, metadata, blocked, created_at, updated_at) VALUES ('t1', 'research', '[]', 0, 0, '{}', 0, 0, 0)"));
      yield* run(sql("UPDATE virtual_keys SET team_id = 't1' WHERE id IN ('key-0', 'key-1')"));
      yield* run(sql("UPDATE virtual_keys SET user_id = 'u-gone' WHERE id = 'key-2'"));
    }))();
    const queries = createUsageQueries(connection);
    // Partial days at both ends: days, hours and raw rows all folded by owner.
    const range = { start: D0 + 5 * HOUR + 17 * 60_000, end: D0 + 2 * DAY + 3 * HOUR + 1 };
    const byKey = await queries.usageSummary({ ...range, groupBy: 'key' });
    const byTeam = await queries.usageSummary({ ...range, groupBy: 'team' });
    const byUser = await queries.usageSummary({ ...range, groupBy: 'user' });
    const sum = (keys: string[], field: 'requests' | 'spend_micros' | 'errors' | 'prompt_tokens') =>
      byKey.groups.filter((g) => keys.includes(g.group)).reduce((n, g) => n + g[field], 0);
    const team = byTeam.groups.find((g) => g.group === 't1')!;
    expect(team.label).toBe('research');
    for (const field of ['requests', 'spend_micros', 'errors', 'prompt_tokens'] as const) expect(team[field], field).toBe(sum(['key-0', 'key-1'], field));
    expect(byTeam.groups.find((g) => g.group === '')!.requests).toBe(sum(['', 'key-2'], 'requests'));
    // A user that no longer exists keeps its id, with no label.
    expect(byUser.groups.find((g) => g.group === 'u-gone')).toMatchObject({ label: null, requests: sum(['key-2'], 'requests') });
    expect(byTeam.totals).toEqual(byKey.totals);
    expect(byUser.totals).toEqual(byKey.totals);
  });

  it.each(ENGINES)('refuses a cursor it did not give out on %s', async (engine) => {
    const { connection } = await engines.open(engine);
    const queries = createUsageQueries(connection);
    await expect(async () => queries.spendLogs({ cursor: 'not-a-cursor' })).rejects.toThrow(RangeError);
    expect(() => decodeSpendLogsCursor(Buffer.from('[1.5,"x"]').toString('base64url'))).toThrow(RangeError);
  });
});
