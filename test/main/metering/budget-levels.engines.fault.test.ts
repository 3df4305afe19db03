// Budgets at every level (issue 17 item 3), once per engine from one definition: a reservation
// holds its key, its member-in-team budget, its team and (personal keys only) its user in one
// write unit, and settlement moves each hold to spend exactly once. On PostgreSQL the concurrent
// cases come from several pools, as several replicas would hold.
import { describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../main/keys/key-repository.js';
import { createTeamRepository } from '../../../main/keys/team-repository.js';
import { createUserRepository } from '../../../main/keys/user-repository.js';
import { createBudgetLedger, type ReserveResult } from '../../../main/metering/budget-ledger.js';
import { createUsageLedger } from '../../../main/metering/usage-ledger.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { all, get, readUnit } from '../../../main/storage/storage-unit.js';
import { silentLog } from '../../support/silent-log.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';
import { usageRecord } from './usage-test-kit.js';

const USD = 1_000_000;
const DAY = 86_400_000;
const engines = useStorageEngines();

interface Money {
  spend: number;
  reserved: number;
}

function read<T>(connection: StorageConnection, text: string, params: unknown[]): Promise<T | undefined> {
  return Promise.resolve(bindUnit(connection, readUnit(function* () {
    return yield* get<T>(sql(text), params);
  }))());
}

const money = {
  key: (c: StorageConnection, id: string) => read<Money>(c, 'SELECT spend_micros AS spend, reserved_micros AS reserved FROM virtual_keys WHERE id = ?', [id]),
  team: (c: StorageConnection, id: string) => read<Money>(c, 'SELECT spend_micros AS spend, reserved_micros AS reserved FROM teams WHERE id = ?', [id]),
  user: (c: StorageConnection, id: string) => read<Money>(c, 'SELECT spend_micros AS spend, reserved_micros AS reserved FROM users WHERE id = ?', [id]),
  member: (c: StorageConnection, teamId: string, userId: string) =>
    read<Money>(c, 'SELECT spend_micros AS spend, reserved_micros AS reserved FROM team_memberships WHERE team_id = ? AND user_id = ?', [teamId, userId]),
};

async function reservations(connection: StorageConnection): Promise<number> {
  return Number((await read<{ n: number }>(connection, 'SELECT count(*) AS n FROM budget_reservations WHERE settled = 0', []))!.n);
}

async function usageCost(connection: StorageConnection, keyIds: string[]): Promise<number> {
  const rows = await Promise.resolve(bindUnit(connection, readUnit(function* () {
    return yield* all<{ key_id: string; cost: number }>(sql('SELECT key_id, sum(cost_micros) AS cost FROM usage_log GROUP BY key_id'), []);
  }))());
  return rows.filter((row) => keyIds.includes(row.key_id)).reduce((sum, row) => sum + Number(row.cost), 0);
}

async function setup(engine: EngineName) {
  const database = await engines.open(engine);
  const { connection, clock } = database;
  return {
    database,
    keys: createKeyRepository(connection, clock),
    teams: createTeamRepository(connection, clock),
    users: createUserRepository(connection, clock),
    ledger: createBudgetLedger(connection, { clock }),
  };
}

function refused(result: ReserveResult) {
  if (result.ok || result.reason !== 'budget_exceeded') throw new Error(`expected a budget refusal, got ${JSON.stringify(result)}`);
  return result;
}

describe.each(ENGINES)('budgets at every level on %s', (engine) => {
  it('admits exactly 7 of 20 concurrent $0.30 requests through two keys of a team whose $2.10 budget admits 7', async () => {
    const { database, keys, teams } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 2.1 });
    // Service-account keys: a team, no user, no budget of their own.
    const keyIds = [
      (await keys.create({ key_alias: 'svc-a', team_id: team.id })).record.id,
      (await keys.create({ key_alias: 'svc-b', team_id: team.id })).record.id,
    ];
    const connections = [database.connection, await database.reconnect()];
    const ledgers = connections.map((connection) => createBudgetLedger(connection, { clock: database.clock }));
    const results = await Promise.all(Array.from({ length: 20 }, async (_, i) => ledgers[i % 2]!.reserve(keyIds[i % 2]!, `req-${i}`, 0.3 * USD)));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    const refusals = results.filter((r) => !r.ok).map(refused);
    expect(refusals).toHaveLength(13);
    expect(refusals.every((r) => r.level === 'team' && r.name === "team 'research'")).toBe(true);
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 2.1 * USD });
    const keyHeld = (await money.key(database.connection, keyIds[0]!))!.reserved + (await money.key(database.connection, keyIds[1]!))!.reserved;
    // The refused twelve rolled their key holds back: the keys hold exactly what the team holds.
    expect(keyHeld).toBe(2.1 * USD);
    expect(await reservations(database.connection)).toBe(7);
  });

  it("refuses a member at their in-team budget while another member's key on the same team still passes", async () => {
    const { database, keys, teams, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 100, team_member_budget: 0.5, members: [{ user_email: 'ana@example.com' }, { user_email: 'bo@example.com' }] });
    // Members added together are listed by user id, not in the order given.
    const idOf = (email: string) => team.members.find((member) => member.userEmail === email)!.userId;
    const [ana, bo] = [idOf('ana@example.com'), idOf('bo@example.com')];
    const anaKey = (await keys.create({ key_alias: 'ana-laptop', team_id: team.id, user_id: ana })).record.id;
    const boKey = (await keys.create({ key_alias: 'bo-laptop', team_id: team.id, user_id: bo })).record.id;
    expect(await ledger.reserve(anaKey, 'ana-1', 0.3 * USD)).toMatchObject({ ok: true });
    const refusal = refused(await ledger.reserve(anaKey, 'ana-2', 0.3 * USD));
    expect(refusal).toMatchObject({ level: 'team_member', name: "team member 'ana@example.com' in team 'research'", maxBudgetMicros: 0.5 * USD, reservedMicros: 0.3 * USD, keyAlias: 'ana-laptop' });
    expect(refusal.message).toContain("Budget exceeded for team member 'ana@example.com' in team 'research'");
    expect(await ledger.reserve(boKey, 'bo-1', 0.3 * USD)).toMatchObject({ ok: true });
    // The member's override beats the team's default, for that member only.
    await teams.updateMember(team.id, { user_id: ana }, { maxBudgetInTeam: 1 });
    expect(await ledger.reserve(anaKey, 'ana-3', 0.3 * USD)).toMatchObject({ ok: true });
    expect(refused(await ledger.reserve(boKey, 'bo-2', 0.3 * USD))).toMatchObject({ level: 'team_member', name: "team member 'bo@example.com' in team 'research'" });
    expect(await money.member(database.connection, team.id, ana)).toEqual({ spend: 0, reserved: 0.6 * USD });
    expect(await money.member(database.connection, team.id, bo)).toEqual({ spend: 0, reserved: 0.3 * USD });
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0.9 * USD });
  });

  it("lets a team key ignore its owner's personal budget, while the owner's personal key obeys it", async () => {
    const { database, keys, teams, users, ledger } = await setup(engine);
    const user = await users.create({ user_email: 'ana@example.com', max_budget: 0.1 });
    const team = await teams.create({ team_alias: 'research', max_budget: 10, members: [{ user_id: user.id }] });
    const teamKey = (await keys.create({ key_alias: 'team-key', team_id: team.id, user_id: user.id })).record.id;
    const personalKey = (await keys.create({ key_alias: 'personal', user_id: user.id })).record.id;
    expect(await ledger.reserve(teamKey, 'team-1', 0.5 * USD)).toMatchObject({ ok: true });
    expect(refused(await ledger.reserve(personalKey, 'personal-1', 0.5 * USD))).toMatchObject({ level: 'user', name: "user 'ana@example.com'", maxBudgetMicros: 0.1 * USD });
    // The team key's hold is the team's and the member's, never the user's.
    expect(await money.user(database.connection, user.id)).toEqual({ spend: 0, reserved: 0 });
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0.5 * USD });
    expect(await money.member(database.connection, team.id, user.id)).toEqual({ spend: 0, reserved: 0.5 * USD });
  });

  it("holds a user key (no team) to its user's budget across the user's keys", async () => {
    const { database, keys, users, ledger } = await setup(engine);
    const user = await users.create({ user_email: 'ana@example.com', max_budget: 1 });
    const a = (await keys.create({ key_alias: 'cli', user_id: user.id })).record.id;
    const b = (await keys.create({ key_alias: 'editor', user_id: user.id })).record.id;
    for (const [i, keyId] of [a, b, a].entries()) expect(await ledger.reserve(keyId, `ok-${i}`, 0.3 * USD)).toMatchObject({ ok: true });
    const refusal = refused(await ledger.reserve(b, 'over', 0.3 * USD));
    expect(refusal).toMatchObject({ level: 'user', name: "user 'ana@example.com'", spendMicros: 0, reservedMicros: 0.9 * USD });
    expect(await money.user(database.connection, user.id)).toEqual({ spend: 0, reserved: 0.9 * USD });
    expect(await money.key(database.connection, b)).toEqual({ spend: 0, reserved: 0.3 * USD });
  });

  it('leaves no hold at the key or member level when the team refuses', async () => {
    const { database, keys, teams, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 0.2, team_member_budget: 5, members: [{ user_email: 'ana@example.com' }] });
    const ana = team.members[0]!.userId;
    const keyId = (await keys.create({ key_alias: 'ana-laptop', max_budget: 10, team_id: team.id, user_id: ana })).record.id;
    expect(refused(await ledger.reserve(keyId, 'req', 0.3 * USD))).toMatchObject({ level: 'team', name: "team 'research'", maxBudgetMicros: 0.2 * USD });
    expect(await money.key(database.connection, keyId)).toEqual({ spend: 0, reserved: 0 });
    expect(await money.member(database.connection, team.id, ana)).toEqual({ spend: 0, reserved: 0 });
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0 });
    expect(await reservations(database.connection)).toBe(0);
    // The same request id may try again: nothing of the refused attempt is left.
    await teams.update(team.id, { max_budget: 1 });
    expect(await ledger.reserve(keyId, 'req', 0.3 * USD)).toMatchObject({ ok: true });
  });

  it('settles every level exactly once: spend equals the usage rows at each level and nothing stays reserved', async () => {
    const { database, keys, teams, users, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 100, team_member_budget: 50, members: [{ user_email: 'ana@example.com' }] });
    const ana = team.members[0]!.userId;
    const solo = await users.create({ user_email: 'solo@example.com', max_budget: 100 });
    const memberKey = (await keys.create({ key_alias: 'ana-laptop', team_id: team.id, user_id: ana })).record.id;
    const serviceKey = (await keys.create({ key_alias: 'svc', team_id: team.id })).record.id;
    const soloKey = (await keys.create({ key_alias: 'solo', user_id: solo.id })).record.id;
    const ownerless = (await keys.create({ key_alias: 'desktop', max_budget: 100 })).record.id;
    const connections = [database.connection, await database.reconnect()];
    const usage = connections.map((connection) => createUsageLedger(connection, { clock: database.clock, log: silentLog, flushIntervalMs: 60_000 }));
    const keyIds = [memberKey, serviceKey, soloKey, ownerless];
    for (let i = 0; i < 40; i++) {
      const keyId = keyIds[i % 4]!;
      const requestId = `r-${i}`;
      // Every third request never reserved (a model priced at zero at admission): it still charges every level.
      if (i % 3 !== 0) expect(await ledger.reserve(keyId, requestId, 50_000)).toMatchObject({ ok: true });
      const record = usageRecord({ requestId, keyId, costMicros: 1_000 + i });
      usage[0]!.record(record);
      usage[1]!.record(record); // the same request recorded by two replicas
    }
    // One settled directly first: the usage ledger must not charge it again.
    expect(await ledger.settle('r-1', 1_001)).toMatchObject({ settled: true });
    await Promise.all(usage.map((ledger) => ledger.flush()));
    const c = database.connection;
    expect(await money.team(c, team.id)).toEqual({ spend: await usageCost(c, [memberKey, serviceKey]), reserved: 0 });
    expect(await money.member(c, team.id, ana)).toEqual({ spend: await usageCost(c, [memberKey]), reserved: 0 });
    expect(await money.user(c, solo.id)).toEqual({ spend: await usageCost(c, [soloKey]), reserved: 0 });
    // A team member's spend through a team key is not their personal spend.
    expect(await money.user(c, ana)).toEqual({ spend: 0, reserved: 0 });
    for (const keyId of keyIds) expect(await money.key(c, keyId)).toEqual({ spend: await usageCost(c, [keyId]), reserved: 0 });
    expect(await reservations(c)).toBe(0);
    for (const ledger of usage) await ledger.close();
  });

  it('releases, raises and recounts every level a reservation holds', async () => {
    const { database, keys, teams, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 1, members: [{ user_email: 'ana@example.com' }] });
    const ana = team.members[0]!.userId;
    const keyId = (await keys.create({ key_alias: 'ana-laptop', team_id: team.id, user_id: ana })).record.id;
    expect(await ledger.reserve(keyId, 'req', 0.4 * USD)).toMatchObject({ ok: true });
    expect(await ledger.topUp(keyId, 'req', 0.9 * USD)).toMatchObject({ ok: true, reservedMicros: 0.9 * USD });
    expect(refused(await ledger.topUp(keyId, 'req', 1.1 * USD))).toMatchObject({ level: 'team', reservedMicros: 0 });
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0.9 * USD });
    expect(await money.member(database.connection, team.id, ana)).toEqual({ spend: 0, reserved: 0.9 * USD });
    expect(await money.key(database.connection, keyId)).toEqual({ spend: 0, reserved: 0.9 * USD });
    // After a restart the counters are rebuilt from the reservation rows, at every level.
    expect(await createBudgetLedger(await database.reconnect(), { clock: database.clock }).recountAfterRestart()).toBe(1);
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0.9 * USD });
    expect(await ledger.release('req')).toBe(true);
    for (const held of [await money.team(database.connection, team.id), await money.member(database.connection, team.id, ana), await money.key(database.connection, keyId)]) {
      expect(held).toEqual({ spend: 0, reserved: 0 });
    }
  });

  it("frees a deleted key's holds at its team and member, also when its user is deleted", async () => {
    const { database, keys, teams, users, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 1, members: [{ user_email: 'ana@example.com' }, { user_email: 'bo@example.com' }] });
    const idOf = (email: string) => team.members.find((member) => member.userEmail === email)!.userId;
    const anaKey = (await keys.create({ key_alias: 'ana-laptop', team_id: team.id, user_id: idOf('ana@example.com') })).record.id;
    const boKey = (await keys.create({ key_alias: 'bo-laptop', team_id: team.id, user_id: idOf('bo@example.com') })).record.id;
    expect(await ledger.reserve(anaKey, 'ana-in-flight', 0.5 * USD)).toMatchObject({ ok: true });
    expect(await ledger.reserve(boKey, 'bo-in-flight', 0.4 * USD)).toMatchObject({ ok: true });
    await keys.delete({ keys: [anaKey] });
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0.4 * USD });
    expect(await money.member(database.connection, team.id, idOf('ana@example.com'))).toEqual({ spend: 0, reserved: 0 });
    await users.delete([idOf('bo@example.com')]);
    expect(await money.team(database.connection, team.id)).toEqual({ spend: 0, reserved: 0 });
    expect(await ledger.reserve((await keys.create({ key_alias: 'svc', team_id: team.id })).record.id, 'whole-budget', USD)).toMatchObject({ ok: true });
  });

  it('frees every level of an expired lease in one sweep', async () => {
    const { database, keys, users } = await setup(engine);
    const user = await users.create({ user_email: 'ana@example.com', max_budget: 1 });
    const keyId = (await keys.create({ key_alias: 'cli', user_id: user.id })).record.id;
    const ledger = createBudgetLedger(database.connection, { clock: database.clock, leaseMs: 60_000 });
    expect(await ledger.reserve(keyId, 'dead', 0.6 * USD)).toMatchObject({ ok: true });
    database.clock.advance(60_000);
    expect(await ledger.releaseExpired()).toBe(1);
    expect(await money.user(database.connection, user.id)).toEqual({ spend: 0, reserved: 0 });
    expect(await money.key(database.connection, keyId)).toEqual({ spend: 0, reserved: 0 });
  });

  it('resets team and user spend by their own durations, in the sweep and lazily at admission', async () => {
    const { database, keys, teams, users, ledger } = await setup(engine);
    const team = await teams.create({ team_alias: 'research', max_budget: 1, budget_duration: '1d' });
    const user = await users.create({ user_email: 'ana@example.com', max_budget: 1, budget_duration: '7d' });
    const teamKey = (await keys.create({ key_alias: 'svc', team_id: team.id })).record.id;
    const userKey = (await keys.create({ key_alias: 'cli', user_id: user.id })).record.id;
    for (const [keyId, id] of [[teamKey, 't'], [userKey, 'u']] as const) {
      expect(await ledger.reserve(keyId, `${id}-1`, 0.8 * USD)).toMatchObject({ ok: true });
      expect(await ledger.settle(`${id}-1`, 0.8 * USD)).toMatchObject({ settled: true });
      expect(refused(await ledger.reserve(keyId, `${id}-2`, 0.5 * USD)).level).toBe(id === 't' ? 'team' : 'user');
    }
    database.clock.advance(DAY);
    // The key sweep resets the team (its day is over), not the user (a week).
    expect(await keys.resetDueBudgets()).toEqual([]);
    expect((await money.team(database.connection, team.id))!.spend).toBe(0);
    expect((await money.user(database.connection, user.id))!.spend).toBe(0.8 * USD);
    expect(await ledger.reserve(teamKey, 't-3', 0.5 * USD)).toMatchObject({ ok: true });
    expect(refused(await ledger.reserve(userKey, 'u-3', 0.5 * USD)).resetAt).toBe((await users.info(user.id))!.budgetResetAt);
    database.clock.advance(6 * DAY);
    // No sweep ran: the admission resets the user's week itself.
    expect(await ledger.reserve(userKey, 'u-4', 0.5 * USD)).toMatchObject({ ok: true });
    expect(await money.user(database.connection, user.id)).toEqual({ spend: 0, reserved: 0.5 * USD });
  });
});
