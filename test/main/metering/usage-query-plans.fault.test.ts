// The usage queries stay fast on a big PostgreSQL usage_log because of how they read it, which
// this test pins from the plans of the very statements the code runs (each is EXPLAINed as it
// goes by, on ~200,000 analysed rows): the summary, by every grouping, reads the per-grouping daily
// rollups for whole days, the hourly rollups for whole hours and an index for the raw edges, and
// the /spend/logs page filtered by key uses the (key_id, ts) index.
// No plan may sequentially scan a usage_log partition.
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { fillUsageRows, ownBenchKeys } from '../../../bench/fill-usage-rows.js';
import { createUsageQueries } from '../../../main/metering/usage-queries.js';
import { rebuildUsageRollups } from '../../../main/metering/usage-rollups.js';
import type { PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { ensureUsagePartitions } from '../../../main/storage/usage-partitions.js';
import { useStorageEngines } from '../storage/storage-engines-kit.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const engines = useStorageEngines();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** The same connection, but every SELECT its units run is EXPLAINed first and the plan kept. */
function explaining(connection: PostgresConnection, plans: { text: string; nodes: PlanNode[] }[]): PostgresConnection {
  const pool = {
    connect: async () => {
      const client = await connection.pool.connect();
      return new Proxy(client, {
        get(target, property) {
          if (property === 'query') {
            return async (text: string, params?: unknown[]) => {
              if (typeof text === 'string' && /^\s*SELECT/i.test(text)) {
                const explained = await target.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
                plans.push({ text, nodes: nodes(explained.rows[0]!['QUERY PLAN'][0]!.Plan) });
              }
              return target.query(text, params);
            };
          }
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  } as unknown as pg.Pool;
  return { ...connection, pool };
}

describe('usage query plans on PostgreSQL', () => {
  it('answer the summary from rollups and indexes and the key-filtered logs page from the key index, never a seq scan of usage_log', async () => {
    const { connection } = await engines.open('postgresql');
    const pgConnection = connection as PostgresConnection;
    const start = Date.UTC(2026, 7, 1);
    await ensureUsagePartitions(pgConnection, start, 8);
    await fillUsageRows(pgConnection.pool, { rows: 200_000, start, days: 7 });
    await rebuildUsageRollups(pgConnection);
    await pgConnection.pool.query('ANALYZE');

    const plans: { text: string; nodes: PlanNode[] }[] = [];
    const queries = createUsageQueries(explaining(pgConnection, plans));
    // Partial days and hours at both ends, so raw rows, hourly and daily rollups are all read. Every
    // grouping reads whole days from the per-grouping rollups (migration 13), never from usage_daily,
    // which holds ~20 times more rows a day at team scale.
    const summaryPlans: typeof plans = [];
    for (const groupBy of ['app', 'model', 'provider', 'day', 'key'] as const) {
      const summary = await queries.usageSummary({ start: start + 5 * HOUR + 17 * 60_000, end: start + 6 * DAY + 7 * 60_000, groupBy });
      expect(summary.totals.requests).toBeGreaterThan(150_000);
      const these = plans.splice(0);
      const read = (table: string) => these.some((p) => p.nodes.some((n) => n['Relation Name'] === table));
      expect({ groupBy, daily: read('usage_daily_groups'), hourly: read('usage_hourly'), wideDaily: read('usage_daily') }).toEqual({ groupBy, daily: true, hourly: true, wideDaily: false });
      summaryPlans.push(...these);
    }

    // Filtered by a team or a user: whole days from usage_daily cut to the owner's keys (the
    // per-grouping rollups cannot be cut by key), hours from usage_hourly, raw edges by index.
    await ownBenchKeys(pgConnection.pool);
    await pgConnection.pool.query('ANALYZE virtual_keys');
    for (const filter of [{ teamId: 'team-2' }, { userId: 'user-3' }, { keyId: 'key-7' }]) {
      const summary = await queries.usageSummary({ start: start + 5 * HOUR + 17 * 60_000, end: start + 6 * DAY + 7 * 60_000, groupBy: 'model', ...filter });
      expect(summary.totals.requests).toBeGreaterThan(0);
      const these = plans.splice(0);
      const read = (table: string) => these.some((p) => p.nodes.some((n) => n['Relation Name'] === table));
      expect({ filter, daily: read('usage_daily'), groups: read('usage_daily_groups'), hourly: read('usage_hourly') }).toEqual({ filter, daily: true, groups: false, hourly: true });
      summaryPlans.push(...these);
    }

    const page = await queries.spendLogs({ keyId: 'key-7', pageSize: 50 });
    expect(page.data).toHaveLength(50);
    const deep = await queries.spendLogs({ keyId: 'key-7', pageSize: 50, cursor: page.next_cursor! });
    expect(deep.data[0]!.request_id).not.toBe(page.data[0]!.request_id);
    const pagePlans = plans.splice(0);
    expect(pagePlans.some((p) => p.nodes.some((n) => n['Index Name']?.includes('key_id_ts')))).toBe(true);

    // Empty partitions (days ahead, DEFAULT) are scanned in no time, and the "any raw row in this
    // day?" probe stops at the first row of its day's partition (a Limit on top): both are fine.
    const filled = new Set(
      (await pgConnection.pool.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relname LIKE 'usage_log_%' AND relkind = 'r' AND reltuples > 0")).rows.map((r) => r.relname),
    );
    expect(filled.size).toBe(7);
    const scanning = [...summaryPlans, ...pagePlans].filter((p) => p.nodes[0]!['Node Type'] !== 'Limit');
    expect(scanning.length).toBeGreaterThan(4);
    const seqScans = scanning.flatMap((p) => p.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && filled.has(n['Relation Name'] ?? '')).map((n) => `${n['Relation Name']} in ${p.text.slice(0, 80)}`));
    expect(seqScans).toEqual([]);
  }, 120_000);
});
