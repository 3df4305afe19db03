// /user/* over app.inject against a real SQLite file: LiteLLM's names, fields and response shapes,
// /user/new's key (auto_create_key, on by default as in LiteLLM), /user/delete taking the user's
// keys with it, unknown fields refused by name with nothing changed, unknown users answered 404.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';

let gateway: ManagementGateway;
beforeEach(async () => {
  gateway = await startManagementGateway();
});
afterEach(() => gateway.dispose());

const ok = (res: { statusCode: number; body: string }) => {
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body);
};

describe('user routes', () => {
  it('creates a user with LiteLLM fields and, by default, a key it owns, shown once', async () => {
    const created = ok(await gateway.send('POST', '/user/new', { body: { user_id: 'ann', user_email: 'ann@example.com', user_role: 'internal_user', max_budget: 10, budget_duration: '1mo', models: ['m'], metadata: { team: 'x' } } }));
    expect(created).toMatchObject({ user_id: 'ann', user_email: 'ann@example.com', user_role: 'internal_user', max_budget: 10, spend: 0, budget_duration: '1mo', models: ['m'], metadata: { team: 'x' } });
    expect(created.key).toMatch(/^sk-/);
    expect(gateway.keys.info(created.key)).toMatchObject({ id: created.token, userId: 'ann', teamId: null });
    // The key works for inference auth right away.
    expect((await gateway.send('GET', '/v1/models', { key: created.key })).statusCode).toBe(200);

    const keyless = ok(await gateway.send('POST', '/user/new', { body: { user_email: 'bob@example.com', auto_create_key: false } }));
    expect(keyless.key).toBeNull();
    expect(keyless.user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(gateway.keys.list().total).toBe(1);
  });

  it('refuses a user id or email that is taken, naming the field', async () => {
    ok(await gateway.send('POST', '/user/new', { body: { user_id: 'ann', user_email: 'ann@example.com', auto_create_key: false } }));
    const sameId = await gateway.send('POST', '/user/new', { body: { user_id: 'ann' } });
    expect(sameId.statusCode).toBe(400);
    expect(sameId.json().error.param).toBe('user_id');
    const sameEmail = await gateway.send('POST', '/user/new', { body: { user_email: 'ann@example.com' } });
    expect(sameEmail.json().error.param).toBe('user_email');
    expect(gateway.users.list().total).toBe(1);
    expect(gateway.keys.list().total).toBe(0);
  });

  it('updates a user by id, or by email when no id is given, answering {user_id, data}', async () => {
    ok(await gateway.send('POST', '/user/new', { body: { user_id: 'ann', user_email: 'ann@example.com', auto_create_key: false } }));
    expect(ok(await gateway.send('POST', '/user/update', { body: { user_id: 'ann', max_budget: 2.5, user_email: 'ann@new.example' } }))).toMatchObject({ user_id: 'ann', data: { max_budget: 2.5, user_email: 'ann@new.example' } });
    expect(ok(await gateway.send('POST', '/user/update', { body: { user_email: 'ann@new.example', user_role: 'proxy_admin_viewer' } }))).toMatchObject({ user_id: 'ann', data: { user_email: 'ann@new.example', user_role: 'proxy_admin_viewer' } });
    const none = await gateway.send('POST', '/user/update', { body: { max_budget: 1 } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.param).toBe('user_id');
  });

  it('shows a user with its keys and teams under /user/info, and lists users by page and role', async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't', members_with_roles: [{ user_id: 'ann' }] } }));
    const key = ok(await gateway.send('POST', '/key/generate', { body: { user_id: 'ann', team_id: 't' } }));
    ok(await gateway.send('POST', '/user/new', { body: { user_id: 'boss', user_role: 'proxy_admin', auto_create_key: false } }));
    const info = ok(await gateway.send('GET', '/user/info?user_id=ann'));
    expect(info).toMatchObject({ user_id: 'ann', user_info: { user_id: 'ann', user_role: 'internal_user' } });
    expect(info.keys.map((k: { token: string }) => k.token)).toEqual([key.token]);
    expect(info.teams.map((t: { team_id: string }) => t.team_id)).toEqual(['t']);
    expect(JSON.stringify(info)).not.toContain(key.key);
    const list = ok(await gateway.send('GET', '/user/list?page=1&page_size=1'));
    expect(list).toMatchObject({ total: 2, page: 1, page_size: 1, total_pages: 2 });
    expect(ok(await gateway.send('GET', '/user/list?role=proxy_admin')).users.map((u: { user_id: string }) => u.user_id)).toEqual(['boss']);
    expect((await gateway.send('GET', '/user/list?role=king')).statusCode).toBe(400);
    expect(ok(await gateway.send('GET', `/key/list?user_id=ann`)).keys.map((k: { token: string }) => k.token)).toEqual([key.token]);
  });

  it('deletes users with their keys and memberships; the deleted keys stop working at once', async () => {
    const ann = ok(await gateway.send('POST', '/user/new', { body: { user_id: 'ann' } }));
    ok(await gateway.send('POST', '/team/member_add', { body: { team_id: ok(await gateway.send('POST', '/team/new', { body: { team_id: 't' } })).team_id, member: { user_id: 'ann' } } }));
    expect((await gateway.send('GET', '/v1/models', { key: ann.key })).statusCode).toBe(200);
    expect(ok(await gateway.send('POST', '/user/delete', { body: { user_ids: ['ann', 'ghost'] } }))).toEqual({ deleted_users: ['ann'], deleted_keys: [ann.token], not_found: ['ghost'] });
    expect((await gateway.send('GET', '/v1/models', { key: ann.key })).statusCode).toBe(401);
    expect(gateway.teams.info('t')?.members).toEqual([]);
  });

  it.each([
    ['GET', '/user/info?user_id=ghost', undefined, 'user_id'],
    ['POST', '/user/update', { user_id: 'ghost', max_budget: 1 }, 'user_id'],
    ['POST', '/user/update', { user_email: 'ghost@example.com', max_budget: 1 }, 'user_email'],
  ])('%s %s for a user that does not exist: 404 naming it', async (method, url, body, param) => {
    const res = await gateway.send(method, url, body === undefined ? {} : { body });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', param });
    expect(res.json().error.message).toMatch(/ghost/);
  });

  it.each([
    ['/user/new', { user_id: 'x', teams: ['t'] }, 'teams'],
    ['/user/new', { user_id: 'x', send_invite_email: true, user_alias: 'X' }, 'send_invite_email", "user_alias'],
    ['/user/update', { user_id: 'ann', password: 'p' }, 'password'],
    ['/user/delete', { user_ids: ['ann'], force: true }, 'force'],
  ])('%s refuses a field it does not support, naming it (%j), and changes nothing', async (url, body, named) => {
    ok(await gateway.send('POST', '/user/new', { body: { user_id: 'ann', auto_create_key: false } }));
    const before = gateway.users.list();
    const res = await gateway.send('POST', url, { body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(`unknown field`);
    expect(res.json().error.message).toContain(`"${named}"`);
    expect(gateway.users.list()).toEqual(before);
    expect(gateway.keys.list().total).toBe(0);
  });

  it.each([
    ['/user/new', { user_role: 'king' }, 'user_role'],
    ['/user/new', { max_budget: -2 }, 'max_budget'],
    ['/user/new', { budget_duration: 'soon' }, 'budget_duration'],
    ['/user/delete', { user_ids: [] }, 'user_ids'],
  ])('%s refuses %j with a 400 naming %s', async (url, body, param) => {
    const res = await gateway.send('POST', url, { body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect(gateway.users.list().total).toBe(0);
  });
});
