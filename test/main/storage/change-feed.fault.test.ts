// The change feed on a real throwaway PostgreSQL 15: two pools on one database stand for two
// replicas. A change made through A's repositories reaches B's onChange within a second (NOTIFY);
// with B's LISTEN session killed the poll still delivers and the listener comes back; the writes
// every request makes (spend, reservations, last use) notify nothing.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createTeamRepository } from '../../../main/keys/team-repository.js';
import { createUserRepository } from '../../../main/keys/user-repository.js';
import { createBudgetLedger } from '../../../main/metering/budget-ledger.js';
import { createChangeFeed, type ChangeFeed } from '../../../main/storage/change-feed.js';
import { createModelRepository } from '../../../main/storage/model-repository.js';
import { openPostgresPool, type PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { bindPostgresUnit } from '../../../main/storage/run-postgres-unit.js';
import { writeUnit } from '../../../main/storage/storage-unit.js';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { markKeyUsed } from '../../../main/keys/key-repository.js';
import { migrateWithChangeVersions } from '../../support/change-feed-database.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog, fakeClock } from './storage-test-kit.js';

const postgres = usePostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Recorded {
  topics: string[];
  /** Resolves with the ms it took once `topic` has been reported `count` times in all. */
  next(topic: string, count?: number, withinMs?: number): Promise<number>;
}

function recorder(): Recorded & { onChange(topic: string): void } {
  const topics: string[] = [];
  const waiting: { topic: string; count: number; resolve(ms: number): void; since: number }[] = [];
  return {
    topics,
    onChange(topic) {
      topics.push(topic);
      for (const wait of [...waiting]) {
        if (topics.filter((t) => t === wait.topic).length >= wait.count) {
          waiting.splice(waiting.indexOf(wait), 1);
          wait.resolve(performance.now() - wait.since);
        }
      }
    },
    next(topic, count = topics.filter((t) => t === topic).length + 1, withinMs = 1000) {
      return new Promise((resolve, reject) => {
        const since = performance.now();
        if (topics.filter((t) => t === topic).length >= count) return resolve(0);
        const timer = setTimeout(() => reject(new Error(`no "${topic}" change within ${withinMs} ms (seen: ${topics.join(', ') || 'none'})`)), withinMs);
        waiting.push({ topic, count, since, resolve: (ms) => (clearTimeout(timer), resolve(ms)) });
      });
    },
  };
}

async function twoReplicas(options: { pollMs?: number } = {}) {
  const { url } = await migrateWithChangeVersions(await postgres.createDatabase());
  const open = (): PostgresConnection => {
    const connection = openPostgresPool(url, { max: 2 });
    cleanups.push(() => connection.close());
    return connection;
  };
  const a = open();
  const b = open();
  const changes = recorder();
  const log = captureLog();
  const feed: ChangeFeed = createChangeFeed({ url, pool: b.pool, log, pollMs: options.pollMs, onChange: changes.onChange });
  cleanups.push(() => feed.close());
  await feed.start();
  return { url, a, b, changes, log, feed };
}

async function listenerPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'switchboard-change-feed' AND datname = current_database()");
    return found.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

describe('createChangeFeed', () => {
  it("delivers a key blocked, a model added and a setting changed on replica A to replica B's onChange within a second", async () => {
    const { a, changes } = await twoReplicas();
    const clock = fakeClock();
    const keys = createKeyRepository(a, clock);
    const created = changes.next('keys');
    const { record } = await keys.create({ key_alias: 'ci' });
    await created;

    const blocked = changes.next('keys');
    await keys.block(record.id);
    const keyMs = await blocked;

    const added = changes.next('models');
    await createModelRepository(a, clock).insert({ id: 'm1', modelName: 'gpt-4o', litellmParams: { model: 'openai/gpt-4o' }, modelInfo: {} });
    const modelMs = await added;

    const setting = changes.next('settings');
    await createSettingsRepository(a).set('active_model', { model: 'gpt-4o', aliases: {} });
    const settingMs = await setting;

    const deleted = changes.next('keys');
    await keys.delete({ keys: [record.id] });
    await deleted;
    expect(changes.topics).toEqual(['keys', 'keys', 'models', 'settings', 'keys']);
    // Measured, not asserted beyond the 1 s deadline above: NOTIFY arrives in milliseconds.
    console.info(`change feed via NOTIFY: key ${keyMs.toFixed(1)} ms, model ${modelMs.toFixed(1)} ms, setting ${settingMs.toFixed(1)} ms`);
  });

  it('reports nothing for the writes every request makes: reservations, spend, last use', async () => {
    const { a, changes } = await twoReplicas({ pollMs: 100 });
    const clock = fakeClock();
    const created = changes.next('keys');
    const { record } = await createKeyRepository(a, clock).create({ max_budget: 10 });
    await created;
    const ledger = createBudgetLedger(a, { clock });
    expect(await ledger.reserve(record.id, 'r1', 1_000)).toMatchObject({ ok: true, reservedMicros: 1_000 });
    await ledger.settle('r1', 500);
    await bindPostgresUnit(a, writeUnit(markKeyUsed))(record.id, clock.now() + 1);
    // A marker change after them: once it arrives, anything they caused would have arrived first.
    const marker = changes.next('settings');
    await createSettingsRepository(a).set('marker', 1);
    await marker;
    // Two poll rounds more, so a version bump they made would have been seen by the poll too.
    await changes.next('never', 1, 250).catch(() => undefined);
    expect(changes.topics).toEqual(['keys', 'settings']);
    const versions = await a.pool.query<{ topic: string; version: number }>('SELECT topic, version FROM change_versions ORDER BY topic');
    expect(versions.rows).toEqual([{ topic: 'apps', version: 0 }, { topic: 'keys', version: 1 }, { topic: 'models', version: 0 }, { topic: 'settings', version: 1 }, { topic: 'teams', version: 0 }, { topic: 'users', version: 0 }]);
  });

  it("delivers a key's change of owner (admission reads it from the cache), and nothing for the spend its team's requests make", async () => {
    const { a, changes } = await twoReplicas({ pollMs: 100 });
    const clock = fakeClock();
    const keys = createKeyRepository(a, clock);
    const created = changes.next('keys');
    const { record } = await keys.create({ key_alias: 'svc' });
    await created;
    const teamCreated = changes.next('teams');
    const team = await createTeamRepository(a, clock).create({ team_alias: 'research', max_budget: 10 });
    await teamCreated;
    const moved = changes.next('keys');
    await keys.update(record.id, { team_id: team.id });
    await moved;
    // A request through the team key holds and charges the key and its team: no change to report.
    const ledger = createBudgetLedger(a, { clock });
    expect(await ledger.reserve(record.id, 'r1', 1_000)).toMatchObject({ ok: true });
    await ledger.settle('r1', 500);
    const marker = changes.next('settings');
    await createSettingsRepository(a).set('marker', 1);
    await marker;
    await changes.next('never', 1, 250).catch(() => undefined);
    expect(changes.topics).toEqual(['keys', 'teams', 'keys', 'settings']);
  });

  it("delivers a team blocked or limited and a user's models changed (cached with their keys), and nothing for their budgets' spend", async () => {
    const { a, changes } = await twoReplicas({ pollMs: 100 });
    const clock = fakeClock();
    const keys = createKeyRepository(a, clock);
    const teams = createTeamRepository(a, clock, { keys });
    const users = createUserRepository(a, clock, { keys });
    const team = await teams.create({ team_alias: 'research', max_budget: 10 });
    await users.create({ user_id: 'ann', max_budget: 10 });
    const { record } = await keys.create({ team_id: team.id });
    const personal = await keys.create({ user_id: 'ann' });
    await changes.next('keys', 2);
    const before = changes.topics.length;

    const blocked = changes.next('teams');
    await teams.block(team.id);
    await blocked;
    const limited = changes.next('teams');
    await teams.update(team.id, { rpm_limit: 5 });
    await limited;
    const models = changes.next('users');
    await users.update({ user_id: 'ann' }, { models: ['m'] });
    await models;
    // Team, member and user budgets held and charged by requests: no change to report.
    const ledger = createBudgetLedger(a, { clock });
    expect(await ledger.reserve(record.id, 'r1', 1_000)).toMatchObject({ ok: true });
    await ledger.settle('r1', 500);
    expect(await ledger.reserve(personal.record.id, 'r2', 1_000)).toMatchObject({ ok: true });
    await ledger.settle('r2', 500);
    const marker = changes.next('settings');
    await createSettingsRepository(a).set('marker', 1);
    await marker;
    await changes.next('never', 1, 250).catch(() => undefined);
    expect(changes.topics.slice(before)).toEqual(['teams', 'teams', 'users', 'settings']);
  });

  it("still delivers within about a second by the poll when B's LISTEN session is killed, and listens again", async () => {
    const { url, a, changes, log } = await twoReplicas();
    const [pid] = await listenerPids(url.connectionString);
    expect(pid).toBeTypeOf('number');
    // Killed, then the change made at once: the reconnect may not be up yet, the poll covers it.
    await a.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    const polled = changes.next('keys', 1, 1500);
    await createKeyRepository(a, fakeClock()).create({ key_alias: 'after-kill' });
    const pollMs = await polled;
    console.info(`change feed with the LISTEN session killed: delivered in ${pollMs.toFixed(1)} ms`);

    // The listener reconnects (a new session) and NOTIFY works again.
    await expect.poll(async () => (await listenerPids(url.connectionString)).filter((p) => p !== pid).length, { timeout: 5000, interval: 100 }).toBe(1);
    expect(log.lines.map((line) => line.msg)).toContain('change feed: the LISTEN session was lost; reconnecting');
    const notified = changes.next('models');
    await createModelRepository(a, fakeClock()).insert({ id: 'm2', modelName: 'm', litellmParams: { model: 'openai/m' }, modelInfo: {} });
    await notified;
    // Each change reported once: the poll and the notification agree on the version.
    await changes.next('never', 1, 1200).catch(() => undefined);
    expect(changes.topics).toEqual(['keys', 'models']);
  });

  it('delivers by the poll alone, within about a second, while no LISTEN session can be had', async () => {
    const { url } = await migrateWithChangeVersions(await postgres.createDatabase());
    const { parseDatabaseUrl } = await import('../../../main/storage/database-url.js');
    const pool = openPostgresPool(url, { max: 2 });
    cleanups.push(() => pool.close());
    const changes = recorder();
    // The LISTEN session goes to a port nothing listens on; the pool works.
    const unreachable = parseDatabaseUrl(url.connectionString.replace(`:${postgres.cluster().port}/`, ':1/'));
    const feed = createChangeFeed({ url: unreachable, pool: pool.pool, log: captureLog(), onChange: changes.onChange });
    cleanups.push(() => feed.close());
    await feed.start();
    const polled = changes.next('settings', 1, 1500);
    await createSettingsRepository(pool).set('security.allowed_origins', ['https://a.example']);
    const ms = await polled;
    console.info(`change feed by the poll alone (pollMs 1000): delivered in ${ms.toFixed(1)} ms`);
    expect(changes.topics).toEqual(['settings']);
  });

  it('never logs the password of its URL', async () => {
    const { url: plain } = await migrateWithChangeVersions(await postgres.createDatabase());
    const { parseDatabaseUrl } = await import('../../../main/storage/database-url.js');
    // Trust auth ignores the password, so the session works; a stopped port makes the poll fail too.
    const url = parseDatabaseUrl(plain.connectionString.replace('postgres@', 'postgres:hunter2-secret@').replace(`:${postgres.cluster().port}/`, ':1/'));
    const pool = new pg.Pool({ connectionString: url.connectionString });
    pool.on('error', () => undefined);
    cleanups.push(() => pool.end());
    const log = captureLog();
    const feed = createChangeFeed({ url, pool, log, pollMs: 50, onChange: () => undefined });
    cleanups.push(() => feed.close());
    await feed.start();
    await expect.poll(() => log.lines.length, { timeout: 3000 }).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(log.lines)).not.toContain('hunter2');
    expect(JSON.stringify(log.lines)).toContain('****');
  });
});
