// `switchboard db copy` as a user moving from a desktop to team mode runs it: a real SQLite-backed
// `serve` creates keys, usage, a dashboard model and a setting, is stopped, and the real built CLI
// copies its data directory into a throwaway PostgreSQL database; every row of every table must
// arrive. A second copy into the same database is refused, and a bad or unreachable URL fails
// cleanly, never printing the password.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createKeyRepository } from '../../main/keys/key-repository.js';
import { createUsageQueries, type UsageGroupBy } from '../../main/metering/usage-queries.js';
import { systemClock } from '../../main/storage/clock.js';
import { parseDatabaseUrl } from '../../main/storage/database-url.js';
import { openPostgresPool } from '../../main/storage/open-postgres-pool.js';
import { ensureBuiltCli, killStartedClis, ready, runCli } from '../support/cli-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { usePostgresCluster } from '../support/postgres-cluster.js';
import { refusedPort } from '../support/refused-port.js';

const MASTER = 'sk-db-copy-master-0123456789';
const PASSWORD = 'pw-e2e-s3cret';
const postgres = usePostgresCluster();

let work: string;
let upstream: MockUpstream;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-db-copy-'));
  expect(ensureBuiltCli()).toBe(true);
  upstream = await createMockUpstream();
}, 120_000);
afterAll(async () => {
  await upstream.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(killStartedClis);

/** The cluster trusts loopback, so any password works: one in the URL proves it is never printed. */
async function targetUrl(): Promise<string> {
  return (await postgres.createDatabase()).replace('postgresql://postgres@', `postgresql://postgres:${PASSWORD}@`);
}

/** A desktop's data directory, filled through the real gateway and left as a stopped gateway leaves it. */
async function desktopDataDir(name: string): Promise<{ dataDir: string; aliceKey: string }> {
  const dataDir = join(work, name);
  const config = join(work, `${name}.yaml`);
  writeFileSync(config, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_key: sk-upstream-unused, api_base: "${upstream.url}/v1" }\n`);
  const cli = runCli(['serve', '--port', '0', '--config', config, '--data-dir', dataDir], { cwd: work, env: { SWITCHBOARD_MASTER_KEY: MASTER } });
  const url = await ready(cli);
  const call = async (path: string, body: unknown, key = MASTER) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const alice = (await call('/key/generate', { key_alias: 'alice', max_budget: 5, models: ['m'] })).key as string;
  await call('/key/generate', { key_alias: 'bob', rpm_limit: 10 });
  await call('/model/new', { model_name: 'dashboard-model', litellm_params: { model: 'openai/dm', api_base: `${upstream.url}/v1` } });
  await call('/settings', { retention_days: 45 });
  for (const text of ['one', 'two', 'three']) await call('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: text }] }, alice);
  // SIGINT flushes the queued usage rows and exits 0, as a user stopping it would.
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
  return { dataDir, aliceKey: alice };
}

async function copy(args: string[]) {
  const cli = runCli(['db', 'copy', ...args], { cwd: work });
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Every row of every table of the file, and the same columns' rows in PostgreSQL, each sorted. */
async function bothSides(file: string, url: string): Promise<{ table: string; sqlite: string[]; postgres: string[] }[]> {
  const sqlite = new Database(file, { readonly: true });
  // BIGINT as number (the values are far below 2^53), as the gateway's pool reads them.
  const client = new pg.Client({ connectionString: url, types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser } });
  await client.connect();
  try {
    const tables = sqlite.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((row) => row.name);
    const sides = [];
    for (const table of tables) {
      const columns = sqlite.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((row) => `"${row.name}"`);
      const fromFile = sqlite.prepare(`SELECT ${columns.join(', ')} FROM "${table}"`).raw(true).all() as unknown[][];
      const fromPostgres = (await client.query({ text: `SELECT ${columns.join(', ')} FROM "${table}"`, rowMode: 'array' })).rows as unknown[][];
      const sorted = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
      sides.push({ table, sqlite: sorted(fromFile), postgres: sorted(fromPostgres) });
    }
    return sides;
  } finally {
    sqlite.close();
    await client.end();
  }
}

describe('switchboard db copy', () => {
  it('copies every row of every table of a desktop database into an empty PostgreSQL database, then refuses a second copy into it unless told to replace', async () => {
    const { dataDir, aliceKey } = await desktopDataDir('desktop');
    const url = await targetUrl();
    const first = await copy(['--to', url, '--data-dir', dataDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    process.stdout.write(first.stdout);
    expect(first.stdout).toMatch(/^Copying .*switchboard\.db \(schema \d+\) into postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\w+$/m);
    expect(first.stdout).toMatch(/^ {2}virtual_keys +2 rows$/m);
    expect(first.stdout).toMatch(/^ {2}usage_log +3 rows$/m);
    expect(first.stdout).toMatch(/^Copied \d+ rows in \d+ tables in one transaction; row counts verified\.$/m);

    const file = join(dataDir, 'switchboard.db');
    const sides = await bothSides(file, url);
    const byTable = Object.fromEntries(sides.map((side) => [side.table, side]));
    // The data the gateway wrote is all there to compare (a test that compared empty tables would pass).
    expect(byTable.virtual_keys!.sqlite).toHaveLength(2);
    expect(byTable.usage_log!.sqlite).toHaveLength(3);
    expect(byTable.models!.sqlite).toHaveLength(1);
    expect(byTable.settings!.sqlite.some((row) => row.includes('retention_days'))).toBe(true);
    for (const side of sides) expect(side.postgres, side.table).toEqual(side.sqlite);
    // Every table is on a summary line.
    for (const side of sides) expect(first.stdout).toMatch(new RegExp(`^  ${side.table} +${side.sqlite.length} rows`, 'm'));

    // Usage rows landed in their day's partition (migration 10), not in the DEFAULT one.
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      expect((await check.query('SELECT count(*)::int AS n FROM usage_partitions.usage_log_default')).rows[0].n).toBe(0);
      expect((await check.query('SELECT count(*)::int AS n FROM usage_log')).rows[0].n).toBe(3);
    } finally {
      await check.end();
    }

    // What the gateway reads from it answers the same on both engines: the dashboard's summary
    // (every grouping) and a copied key, looked up by its secret as verify-key does.
    const sqlite = new Database(file, { readonly: true });
    const postgresPool = openPostgresPool(parseDatabaseUrl(url));
    try {
      const end = Date.now() + 1;
      const start = end - 7 * 86_400_000;
      for (const groupBy of ['app', 'model', 'provider', 'day', 'key'] as UsageGroupBy[]) {
        const before = createUsageQueries(sqlite).usageSummary({ start, end, groupBy });
        const after = await createUsageQueries(postgresPool).usageSummary({ start, end, groupBy });
        expect(after, groupBy).toEqual(before);
        expect(before.totals.requests).toBe(3);
      }
      const hash = createHash('sha256').update(aliceKey).digest('hex');
      const copied = await createKeyRepository(postgresPool, systemClock).findByHash(hash);
      expect(copied).toEqual(createKeyRepository(sqlite, systemClock).findByHash(hash));
      expect(copied?.keyAlias).toBe('alice');
    } finally {
      sqlite.close();
      await postgresPool.pool.end();
    }

    const second = await copy(['--to', url, '--from', file]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already holds 2 row\(s\) in virtual_keys and 3 row\(s\) in usage_log: db copy only fills a database with no keys and no usage \(--replace replaces all it holds with the file's data\)\. Nothing was copied\./);
    expect(second.stderr + second.stdout).not.toContain(PASSWORD);
    for (const side of await bothSides(file, url)) expect(side.postgres, side.table).toEqual(side.sqlite);

    // Told to, it replaces what the target holds: running the same copy again gives the same rows.
    const replaced = await copy(['--to', url, '--from', file, '--replace']);
    expect(replaced.stderr).toBe('');
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(/^ {2}virtual_keys +2 rows \(replaced 2 the target held\)$/m);
    expect(replaced.stdout + replaced.stderr).not.toContain(PASSWORD);
    for (const side of await bothSides(file, url)) expect(side.postgres, side.table).toEqual(side.sqlite);
  }, 90_000);

  it('fails cleanly on an unreachable server and a malformed URL, never printing the password', async () => {
    const port = await refusedPort();
    // A current file (the schema is checked before the server), so the server is what fails.
    const dataDir = join(work, 'fresh');
    const fresh = runCli(['serve', '--port', '0', '--data-dir', dataDir, '--allow-empty'], { cwd: work });
    await ready(fresh);
    fresh.child.kill('SIGINT');
    expect(await fresh.exited).toBe(0);
    const refused = await copy(['--to', `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/switchboard`, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^switchboard: Cannot use the PostgreSQL database postgresql:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/switchboard: .*ECONNREFUSED/m);
    expect(refused.stderr + refused.stdout).not.toContain(PASSWORD);

    const malformed = await copy(['--to', `postgresql://postgres:${PASSWORD}@127.0.0.1:99999/switchboard`, '--data-dir', dataDir]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^switchboard: --to is not a valid URL/);
    expect(malformed.stderr + malformed.stdout).not.toContain(PASSWORD);

    const otherScheme = await copy(['--to', `mysql://root:${PASSWORD}@db/switchboard`, '--data-dir', dataDir]);
    expect(otherScheme.code).toBe(2);
    expect(otherScheme.stderr).toMatch(/uses mysql:\/\/, which Switchboard does not support/);
    expect(otherScheme.stderr + otherScheme.stdout).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses a file an older Switchboard wrote, telling the user to start this version on it once', async () => {
    const dataDir = join(work, 'old');
    const file = join(dataDir, 'switchboard.db');
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(file);
    db.pragma('user_version = 3');
    db.close();
    const old = await copy(['--to', await targetUrl(), '--data-dir', dataDir]);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/schema version 3, older than this Switchboard's \d+: start this version once on it \(switchboard serve --data-dir .*\/old, then stop it\)/);
  }, 60_000);
});
