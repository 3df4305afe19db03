// The user repository, run once per engine from one definition: SQLite (synchronous) and a
// throwaway PostgreSQL cluster (Promise-returning).
import { describe, expect, it } from 'vitest';
import { createKeyRepository, type KeyChange } from '../../../main/keys/key-repository.js';
import { createTeamRepository } from '../../../main/keys/team-repository.js';
import { TeamError } from '../../../main/keys/team-error.js';
import { createUserRepository } from '../../../main/keys/user-repository.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';

const engines = useStorageEngines();

async function setup(engine: EngineName) {
  const database = await engines.open(engine);
  const keys = createKeyRepository(database.connection, database.clock);
  return { database, keys, teams: createTeamRepository(database.connection, database.clock, { keys }), users: createUserRepository(database.connection, database.clock, { keys }) };
}

async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe.each(ENGINES)('createUserRepository on %s', (engine) => {
  it('creates a user with LiteLLM fields, defaults its id and role, and refuses a taken id or email by name', async () => {
    const { database, users } = await setup(engine);
    const ann = await users.create({ user_id: 'ann', user_email: 'ann@example.com', user_role: 'proxy_admin_viewer', max_budget: 4, budget_duration: '1mo', models: ['m'], metadata: { desk: 3 } });
    expect(ann).toMatchObject({ id: 'ann', userEmail: 'ann@example.com', userRole: 'proxy_admin_viewer', maxBudgetMicros: 4_000_000, budgetDuration: '1mo', spendMicros: 0, models: ['m'], metadata: { desk: 3 }, createdAt: database.clock.now() });
    expect(ann.budgetResetAt).toBeGreaterThan(database.clock.now());
    const anonymous = await users.create();
    expect(anonymous).toMatchObject({ userEmail: null, userRole: 'internal_user', maxBudgetMicros: null, models: [] });
    expect(anonymous.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await caught(() => users.create({ user_id: 'ann' }))).toMatchObject({ code: 'user_exists', param: 'user_id' });
    expect(await caught(() => users.create({ user_email: 'ann@example.com' }))).toMatchObject({ code: 'user_exists', param: 'user_email' });
    expect(await createUserRepository(await database.reconnect(), database.clock).info('ann')).toEqual(ann);
  });

  it('updates by id or by email, refuses an email another user has, and an unknown user is user_not_found', async () => {
    const { users } = await setup(engine);
    await users.create({ user_id: 'ann', user_email: 'ann@example.com', max_budget: 1 });
    await users.create({ user_id: 'bob', user_email: 'bob@example.com' });
    expect(await users.update({ user_email: 'ann@example.com' }, { max_budget: null, user_role: 'internal_user_viewer' })).toMatchObject({ id: 'ann', maxBudgetMicros: null, userRole: 'internal_user_viewer' });
    expect(await users.update({ user_id: 'ann' }, { user_email: 'ann@new.example' })).toMatchObject({ userEmail: 'ann@new.example' });
    expect(await caught(() => users.update({ user_id: 'ann' }, { user_email: 'bob@example.com' }))).toMatchObject({ code: 'user_exists', param: 'user_email' });
    const missing = await caught(() => users.update({ user_id: 'ghost' }, { max_budget: 1 }));
    expect(missing).toBeInstanceOf(TeamError);
    expect(missing).toMatchObject({ code: 'user_not_found', message: expect.stringContaining('ghost') });
  });

  it('deletes users with the keys they own and their memberships (LiteLLM\'s /user/delete), reporting unknown ids', async () => {
    const { keys, teams, users } = await setup(engine);
    await teams.create({ team_id: 't', members: [{ user_id: 'ann' }, { user_id: 'bob' }] });
    const annKey = (await keys.create({ user_id: 'ann', team_id: 't' })).record;
    const bobKey = (await keys.create({ user_id: 'bob' })).record;
    const serviceKey = (await keys.create({ team_id: 't' })).record;
    const changes: KeyChange[] = [];
    keys.onChange((change) => changes.push(change));
    expect(await users.delete(['ann', 'ghost'])).toEqual({ deletedUserIds: ['ann'], deletedKeyIds: [annKey.id], notFound: ['ghost'] });
    expect(changes).toEqual([{ type: 'deleted', keyId: annKey.id }]);
    expect((await keys.list()).keys.map((k) => k.id).sort()).toEqual([bobKey.id, serviceKey.id].sort());
    expect((await teams.info('t'))!.members.map((m) => m.userId)).toEqual(['bob']);
  });

  it('lists users newest first, by page and by role', async () => {
    const { database, users } = await setup(engine);
    for (const id of ['u1', 'u2', 'u3']) {
      await users.create({ user_id: id, ...(id === 'u2' ? { user_role: 'proxy_admin' as const } : {}) });
      database.clock.advance(1);
    }
    const page = await users.list({ page: 1, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 2, totalPages: 2 });
    expect(page.users.map((u) => u.id)).toEqual(['u3', 'u2']);
    expect((await users.list({ page: 2, pageSize: 2 })).users.map((u) => u.id)).toEqual(['u1']);
    expect((await users.list({ role: 'proxy_admin' })).users.map((u) => u.id)).toEqual(['u2']);
  });
});
