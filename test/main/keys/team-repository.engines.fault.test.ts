// The team repository (teams, memberships) and the key ownership rules, run once per engine from one
// definition: SQLite (synchronous) and a throwaway PostgreSQL cluster (Promise-returning).
import { describe, expect, it } from 'vitest';
import { KeyError } from '../../../main/keys/key-error.js';
import { createKeyRepository, type KeyChange } from '../../../main/keys/key-repository.js';
import { createTeamRepository, type TeamChange } from '../../../main/keys/team-repository.js';
import { TeamError } from '../../../main/keys/team-error.js';
import { createUserRepository } from '../../../main/keys/user-repository.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../../../main/storage/storage-connection.js';
import { all, writeUnit } from '../../../main/storage/storage-unit.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';

const DAY = 86_400_000;
const engines = useStorageEngines();

async function rows<Row>(connection: StorageConnection, text: string, params: unknown[] = []): Promise<Row[]> {
  return bindUnit(connection, writeUnit(function* () {
    return yield* all<Row>(sql(text), params);
  }))();
}

async function setup(engine: EngineName) {
  const database = await engines.open(engine);
  const keys = createKeyRepository(database.connection, database.clock);
  const teams = createTeamRepository(database.connection, database.clock, { keys });
  const users = createUserRepository(database.connection, database.clock, { keys });
  return { database, keys, teams, users };
}

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe.each(ENGINES)('createTeamRepository on %s', (engine) => {
  it('creates a team with LiteLLM fields stored as micro-dollars and a reset time, readable from another connection', async () => {
    const { database, teams } = await setup(engine);
    const team = await teams.create({ team_id: 'team-a', team_alias: 'Research', models: ['gpt-4o', 'anthropic/*'], max_budget: 12.5, soft_budget: 10, budget_duration: '30d', tpm_limit: 1000, rpm_limit: 60, team_member_budget: 2, metadata: { cost_center: 7 } });
    expect(team).toEqual({
      id: 'team-a', teamAlias: 'Research', models: ['gpt-4o', 'anthropic/*'], maxBudgetMicros: 12_500_000, softBudgetMicros: 10_000_000,
      budgetDuration: '30d', budgetResetAt: database.clock.now() + 30 * DAY, spendMicros: 0, reservedMicros: 0, tpmLimit: 1000, rpmLimit: 60,
      teamMemberBudgetMicros: 2_000_000, metadata: { cost_center: 7 }, blocked: false, createdAt: database.clock.now(), updatedAt: database.clock.now(), members: [],
    });
    const other = createTeamRepository(await database.reconnect(), database.clock);
    expect(await other.info('team-a')).toEqual(team);
    expect(await other.list()).toEqual([team]);
    expect(await other.info('nope')).toBeNull();
    const generated = await teams.create();
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await caught(() => teams.create({ team_id: 'team-a' })) as TeamError).param).toBe('team_id');
  });

  it('updates only the fields sent, null clearing a budget, and refuses an unknown team by name', async () => {
    const { database, teams } = await setup(engine);
    await teams.create({ team_id: 't', max_budget: 5, rpm_limit: 10, models: ['m'] });
    database.clock.advance(1000);
    const updated = await teams.update('t', { max_budget: null, team_alias: 'renamed' });
    expect(updated).toMatchObject({ maxBudgetMicros: null, rpmLimit: 10, models: ['m'], teamAlias: 'renamed', updatedAt: database.clock.now() });
    const error = await caught(() => teams.update('ghost', { rpm_limit: 1 }));
    expect(error).toBeInstanceOf(TeamError);
    expect(error).toMatchObject({ code: 'team_not_found', param: 'team_id', message: expect.stringContaining('ghost') });
    expect(await caught(() => teams.update('t', { max_budget: -1 }))).toMatchObject({ code: 'invalid_input', param: 'max_budget' });
    expect(await caught(() => teams.update('t', { budget_duration: 'forever' }))).toMatchObject({ code: 'invalid_input', param: 'budget_duration' });
    expect((await teams.block('t')).blocked).toBe(true);
    expect((await teams.unblock('t')).blocked).toBe(false);
  });

  it('adds members, creating users that do not exist yet (by id or by email) as LiteLLM does, and refuses a member twice', async () => {
    const { teams, users } = await setup(engine);
    await users.create({ user_id: 'ann', user_email: 'ann@example.com' });
    await teams.create({ team_id: 't' });
    const added = await teams.addMembers('t', [{ user_id: 'ann', role: 'admin' }, { user_id: 'bob' }, { user_email: 'cy@example.com' }], { maxBudgetInTeam: 3 });
    expect(added.addedUserIds.slice(0, 2)).toEqual(['ann', 'bob']);
    expect(added.createdUserIds).toEqual(['bob', added.addedUserIds[2]]);
    expect(await users.info('bob')).toMatchObject({ id: 'bob', userEmail: null, userRole: 'internal_user' });
    expect((await users.info(added.addedUserIds[2]!))?.userEmail).toBe('cy@example.com');
    // Members added together are listed by user id (then oldest membership first).
    expect(added.team.members.map((m) => [m.userId, m.userEmail, m.role, m.maxBudgetInTeamMicros])).toEqual([
      ['ann', 'ann@example.com', 'admin', 3_000_000], ['bob', null, 'member', 3_000_000], [added.addedUserIds[2], 'cy@example.com', 'member', 3_000_000],
    ].sort((a, b) => String(a[0]) < String(b[0]) ? -1 : 1));
    const twice = await caught(() => teams.addMembers('t', [{ user_id: 'dan' }, { user_email: 'ann@example.com' }]));
    expect(twice).toMatchObject({ code: 'member_exists' });
    // All or nothing: dan was neither created nor added.
    expect(await users.info('dan')).toBeNull();
    expect((await teams.info('t'))!.members).toHaveLength(3);
    expect(await caught(() => teams.addMembers('ghost', [{ user_id: 'ann' }]))).toMatchObject({ code: 'team_not_found' });
    expect((await teams.list({ userId: 'ann' })).map((t) => t.id)).toEqual(['t']);
    expect(await teams.list({ userId: 'nobody' })).toEqual([]);
  });

  it('updates and removes a member by id or email; an unknown member is member_not_found', async () => {
    const { teams } = await setup(engine);
    await teams.create({ team_id: 't', members: [{ user_id: 'ann', user_email: 'ann@example.com' }] });
    expect(await teams.updateMember('t', { user_email: 'ann@example.com' }, { role: 'admin', maxBudgetInTeam: 1.5 })).toMatchObject({ userId: 'ann', role: 'admin', maxBudgetInTeamMicros: 1_500_000 });
    expect(await teams.updateMember('t', { user_id: 'ann' }, { maxBudgetInTeam: null })).toMatchObject({ role: 'admin', maxBudgetInTeamMicros: null });
    expect(await caught(() => teams.updateMember('t', { user_id: 'bob' }, { role: 'admin' }))).toMatchObject({ code: 'member_not_found', param: 'user_id' });
    expect((await teams.removeMember('t', { user_id: 'ann' })).members).toEqual([]);
    expect(await caught(() => teams.removeMember('t', { user_id: 'ann' }))).toMatchObject({ code: 'member_not_found' });
  });

  it('deletes a team with its keys and memberships in one transaction, tells the key listeners, and deletes nothing when one id is unknown', async () => {
    const { database, keys, teams, users } = await setup(engine);
    await teams.create({ team_id: 't', members: [{ user_id: 'ann' }] });
    await teams.create({ team_id: 'other' });
    const teamKey = (await keys.create({ team_id: 't', user_id: 'ann' })).record;
    const otherKey = (await keys.create({ team_id: 'other' })).record;
    const loose = (await keys.create({ key_alias: 'mine' })).record;
    const keyChanges: KeyChange[] = [];
    const teamChanges: TeamChange[] = [];
    keys.onChange((change) => keyChanges.push(change));
    teams.onChange((change) => teamChanges.push(change));

    expect(await caught(() => teams.delete(['t', 'ghost']))).toMatchObject({ code: 'team_not_found' });
    expect((await keys.list()).total).toBe(3);

    expect(await teams.delete(['t'])).toEqual({ deletedTeamIds: ['t'], deletedKeyIds: [teamKey.id] });
    expect(keyChanges).toEqual([{ type: 'deleted', keyId: teamKey.id }]);
    expect(teamChanges).toEqual([{ type: 'deleted', teamId: 't' }]);
    expect((await keys.list()).keys.map((k) => k.id).sort()).toEqual([otherKey.id, loose.id].sort());
    expect(await rows(database.connection, 'SELECT team_id FROM team_memberships')).toEqual([]);
    // The user stays: LiteLLM deletes team memberships, not users.
    expect(await users.info('ann')).not.toBeNull();
  });
});

describe.each(ENGINES)('key ownership on %s', (engine) => {
  it('gives a key a team and a user that exist, lists keys by either, and shows them on the key', async () => {
    const { keys, teams, users } = await setup(engine);
    await teams.create({ team_id: 't', models: ['gpt-4o', 'anthropic/*'] });
    await users.create({ user_id: 'ann' });
    const { record } = await keys.create({ team_id: 't', user_id: 'ann', models: ['gpt-4o', 'anthropic/claude-3'] });
    expect(record).toMatchObject({ teamId: 't', userId: 'ann' });
    const service = (await keys.create({ team_id: 't' })).record;
    expect(service).toMatchObject({ teamId: 't', userId: null, models: [] });
    await keys.create({ key_alias: 'nobody' });
    expect((await keys.list({ teamId: 't' })).keys.map((k) => k.id).sort()).toEqual([record.id, service.id].sort());
    expect((await keys.list({ userId: 'ann' })).keys.map((k) => k.id)).toEqual([record.id]);
    expect((await keys.list({ teamId: 't', userId: 'ann' })).total).toBe(1);
    expect((await keys.update(record.id, { team_id: null })).teamId).toBeNull();
  });

  it.each([
    ['an unknown team', { team_id: 'ghost' }, 'team_id', /ghost/],
    ['an unknown user', { user_id: 'ghost' }, 'user_id', /ghost/],
    ['models outside the team\'s', { team_id: 't', models: ['gpt-4o', 'o1', 'openai/gpt-5'] }, 'models', /"o1", "openai\/gpt-5" not in team t/],
  ])('refuses a key with %s, naming it, and creates nothing', async (_name, fields, param, message) => {
    const { keys, teams } = await setup(engine);
    await teams.create({ team_id: 't', models: ['gpt-4o', 'anthropic/*'] });
    const error = await caught(() => keys.create(fields));
    expect(error).toBeInstanceOf(KeyError);
    expect(error).toMatchObject({ code: 'invalid_key_input', param, message: expect.stringMatching(message) });
    expect((await keys.list()).total).toBe(0);
  });

  it('checks an update against the key\'s team: new models outside it, or a move to a team that does not allow them, are refused and change nothing', async () => {
    const { keys, teams } = await setup(engine);
    await teams.create({ team_id: 'narrow', models: ['a'] });
    await teams.create({ team_id: 'wide' });
    const { record } = await keys.create({ team_id: 'wide', models: ['b'] });
    expect(await caught(() => keys.update(record.id, { team_id: 'narrow' }))).toMatchObject({ param: 'models' });
    await teams.create({ team_id: 'both', models: ['a', 'b'] });
    expect((await keys.update(record.id, { team_id: 'both' })).teamId).toBe('both');
    expect(await caught(() => keys.update(record.id, { models: ['c'] }))).toMatchObject({ param: 'models', message: expect.stringContaining('"c"') });
    expect(await keys.info(record.id)).toMatchObject({ teamId: 'both', models: ['b'] });
  });
});
