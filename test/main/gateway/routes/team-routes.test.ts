// /team/* over app.inject against a real SQLite file: LiteLLM's names, fields and response shapes
// (members_with_roles, team_info with keys and team_memberships), budgets in USD on the wire,
// unknown fields refused by name with nothing changed, and unknown teams or members answered 404.
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

describe('team routes', () => {
  it('creates a team with LiteLLM fields and answers in LiteLLM\'s team shape, budgets in USD', async () => {
    const team = ok(await gateway.send('POST', '/team/new', { body: {
      team_alias: 'Research', models: ['gpt-4o'], max_budget: 25, soft_budget: 20, budget_duration: '30d', tpm_limit: 5000, rpm_limit: 50, team_member_budget: 5,
      metadata: { cost_center: 'R&D' }, members_with_roles: [{ role: 'admin', user_id: 'ann' }, { user_email: 'bob@example.com' }],
    } }));
    expect(team).toMatchObject({
      team_alias: 'Research', models: ['gpt-4o'], max_budget: 25, soft_budget: 20, spend: 0, budget_duration: '30d', tpm_limit: 5000, rpm_limit: 50,
      team_member_budget: 5, metadata: { cost_center: 'R&D' }, blocked: false,
    });
    expect(team.team_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(team.members_with_roles).toHaveLength(2);
    expect(team.members_with_roles).toContainEqual({ user_id: 'ann', user_email: null, role: 'admin' });
    expect(team.members_with_roles).toContainEqual({ user_id: expect.any(String), user_email: 'bob@example.com', role: 'user' });
    expect(new Date(team.budget_reset_at).getTime()).toBe(gateway.clock.now() + 30 * 86_400_000);
    expect(gateway.teams.info(team.team_id)?.maxBudgetMicros).toBe(25_000_000);
  });

  it('updates, blocks and unblocks a team, and lists teams (all, or those of a user)', async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 'a', members_with_roles: [{ user_id: 'ann' }] } }));
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 'b' } }));
    const updated = ok(await gateway.send('POST', '/team/update', { body: { team_id: 'a', max_budget: 3.5, team_alias: 'Alpha' } }));
    expect(updated).toMatchObject({ team_id: 'a', data: { team_id: 'a', team_alias: 'Alpha', max_budget: 3.5 } });
    expect(ok(await gateway.send('POST', '/team/block', { body: { team_id: 'a' } })).blocked).toBe(true);
    expect(ok(await gateway.send('POST', '/team/unblock', { body: { team_id: 'a' } })).blocked).toBe(false);
    expect(ok(await gateway.send('GET', '/team/list')).map((t: { team_id: string }) => t.team_id)).toEqual(['a', 'b']);
    expect(ok(await gateway.send('GET', '/team/list?user_id=ann')).map((t: { team_id: string }) => t.team_id)).toEqual(['a']);
  });

  it('adds members (one or a list), creating users on the fly, updates and deletes them, in LiteLLM\'s shapes', async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't' } }));
    const added = ok(await gateway.send('POST', '/team/member_add', { body: { team_id: 't', member: { role: 'user', user_id: 'ann' }, max_budget_in_team: 2 } }));
    expect(added.members_with_roles).toEqual([{ user_id: 'ann', user_email: null, role: 'user' }]);
    expect(added.updated_users).toEqual([expect.objectContaining({ user_id: 'ann', user_role: 'internal_user' })]);
    expect(added.updated_team_memberships).toEqual([{ team_id: 't', user_id: 'ann', spend: 0, max_budget_in_team: 2 }]);
    const many = ok(await gateway.send('POST', '/team/member_add', { body: { team_id: 't', member: [{ user_id: 'bob', role: 'admin' }, { user_email: 'cy@example.com' }] } }));
    expect(many.members_with_roles).toHaveLength(3);
    expect(ok(await gateway.send('GET', '/user/info?user_id=bob')).user_info.user_id).toBe('bob');

    const twice = await gateway.send('POST', '/team/member_add', { body: { team_id: 't', member: { user_id: 'ann' } } });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toContain('already a member');

    expect(ok(await gateway.send('POST', '/team/member_update', { body: { team_id: 't', user_id: 'ann', role: 'admin', max_budget_in_team: 7 } }))).toEqual({ team_id: 't', user_id: 'ann', user_email: null, role: 'admin', max_budget_in_team: 7 });
    expect(ok(await gateway.send('POST', '/team/member_update', { body: { team_id: 't', user_email: 'cy@example.com', max_budget_in_team: null } }))).toMatchObject({ user_email: 'cy@example.com', role: 'user', max_budget_in_team: null });
    const after = ok(await gateway.send('POST', '/team/member_delete', { body: { team_id: 't', user_id: 'bob' } }));
    expect(after.members_with_roles.map((m: { user_id: string }) => m.user_id)).not.toContain('bob');
    // The user stays (LiteLLM removes the membership only).
    expect(gateway.users.info('bob')).not.toBeNull();
  });

  it('shows a team\'s members, keys and memberships under /team/info, and deletes the team with its keys', async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't', models: ['m'], members_with_roles: [{ user_id: 'ann' }] } }));
    const key = ok(await gateway.send('POST', '/key/generate', { body: { team_id: 't', user_id: 'ann', key_alias: 'ann-laptop' } }));
    expect(key).toMatchObject({ team_id: 't', user_id: 'ann' });
    const loose = ok(await gateway.send('POST', '/key/generate', { body: { key_alias: 'nobody' } }));
    expect(loose).toMatchObject({ team_id: null, user_id: null });

    const info = ok(await gateway.send('GET', '/team/info?team_id=t'));
    expect(info.team_id).toBe('t');
    expect(info.team_info).toMatchObject({ team_id: 't', models: ['m'], members_with_roles: [{ user_id: 'ann', user_email: null, role: 'user' }] });
    expect(info.keys.map((k: { key_alias: string }) => k.key_alias)).toEqual(['ann-laptop']);
    expect(info.keys[0]).toMatchObject({ token: key.token, team_id: 't', user_id: 'ann', spend: 0 });
    expect(JSON.stringify(info)).not.toContain(key.key);
    expect(info.team_memberships).toEqual([{ team_id: 't', user_id: 'ann', spend: 0, max_budget_in_team: null }]);

    expect(ok(await gateway.send('POST', '/team/delete', { body: { team_ids: ['t'] } }))).toEqual({ deleted_teams: ['t'], deleted_keys: [key.token] });
    expect(gateway.keys.list().keys.map((k) => k.keyAlias)).toEqual(['nobody']);
    // The deleted key no longer authenticates (the verifier's cache was told).
    expect((await gateway.send('GET', '/v1/models', { key: key.key })).statusCode).toBe(401);
    expect((await gateway.send('GET', '/team/info?team_id=t')).statusCode).toBe(404);
  });

  it.each([
    ['POST', '/team/update', { team_id: 'ghost', max_budget: 1 }, 'team_id'],
    ['POST', '/team/block', { team_id: 'ghost' }, 'team_id'],
    ['POST', '/team/unblock', { team_id: 'ghost' }, 'team_id'],
    ['POST', '/team/delete', { team_ids: ['t', 'ghost'] }, 'team_id'],
    ['POST', '/team/member_add', { team_id: 'ghost', member: { user_id: 'ann' } }, 'team_id'],
    ['POST', '/team/member_update', { team_id: 't', user_id: 'ghost', role: 'admin' }, 'user_id'],
    ['POST', '/team/member_delete', { team_id: 't', user_email: 'ghost@example.com' }, 'user_email'],
    ['GET', '/team/info?team_id=ghost', undefined, 'team_id'],
  ])('%s %s for something that does not exist: 404 naming it, nothing changed', async (method, url, body, param) => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't' } }));
    const before = gateway.teams.list();
    const res = await gateway.send(method, url, body === undefined ? {} : { body });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', param });
    expect(res.json().error.message).toMatch(/ghost/);
    expect(gateway.teams.list()).toEqual(before);
  });

  it.each([
    ['/team/new', { team_alias: 'x', organization_id: 'org-1' }, 'organization_id'],
    ['/team/new', { team_alias: 'x', model_aliases: {}, guardrails: [] }, 'model_aliases", "guardrails'],
    ['/team/update', { team_id: 't', tags: ['a'] }, 'tags'],
    ['/team/delete', { team_ids: ['t'], force: true }, 'force'],
    ['/team/block', { team_id: 't', reason: 'x' }, 'reason'],
    ['/team/unblock', { team_id: 't', reason: 'x' }, 'reason'],
    ['/team/member_add', { team_id: 't', member: { user_id: 'ann', max_budget_in_team: 1 } }, 'max_budget_in_team'],
    ['/team/member_add', { team_id: 't', member: [{ user_id: 'bob' }], all_users: true }, 'all_users'],
    ['/team/member_update', { team_id: 't', user_id: 'ann', tpm_limit: 5 }, 'tpm_limit'],
    ['/team/member_delete', { team_id: 't', user_id: 'ann', keep_keys: true }, 'keep_keys'],
  ])('%s refuses a field it does not support, naming it (%j), and changes nothing', async (url, body, named) => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't', members_with_roles: [{ user_id: 'ann' }] } }));
    const before = gateway.teams.list();
    const res = await gateway.send('POST', url, { body });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toContain(`unknown field`);
    expect(res.json().error.message).toContain(`"${named}"`);
    expect(gateway.teams.list()).toEqual(before);
  });

  it.each([
    ['/team/new', { max_budget: -1 }, 'max_budget'],
    ['/team/new', { budget_duration: 'forever' }, 'budget_duration'],
    ['/team/new', { rpm_limit: 1.5 }, 'rpm_limit'],
    ['/team/member_add', { team_id: 't', member: { role: 'owner', user_id: 'x' } }, 'member.0.role'],
    ['/team/member_add', { team_id: 't', member: [{ user_id: 'x' }, { role: 'owner', user_id: 'y' }] }, 'member.1.role'],
    ['/team/member_add', { team_id: 't', member: { role: 'user' } }, 'member'],
    ['/team/member_delete', { team_id: 't' }, 'user_id'],
    ['/team/delete', { team_ids: [] }, 'team_ids'],
  ])('%s refuses %j with a 400 naming %s', async (url, body, param) => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't' } }));
    const res = await gateway.send('POST', url, { body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.param).toBe(param);
  });

  it('refuses a key whose models are outside its team\'s, naming them', async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 't', models: ['gpt-4o', 'anthropic/*'] } }));
    const res = await gateway.send('POST', '/key/generate', { body: { team_id: 't', models: ['gpt-4o', 'o1'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ param: 'models', message: expect.stringContaining('"o1"') });
    // Only the model outside the team's is named as outside.
    expect(res.json().error.message).toMatch(/^models: "o1" not in team t's models/);
    const missing = await gateway.send('POST', '/key/generate', { body: { team_id: 'ghost' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.param).toBe('team_id');
    expect(gateway.keys.list().total).toBe(0);
    const fits = ok(await gateway.send('POST', '/key/generate', { body: { team_id: 't', models: ['anthropic/claude-3-5-haiku'] } }));
    const moved = await gateway.send('POST', '/key/update', { body: { key: fits.token, models: ['gpt-4o-mini'] } });
    expect(moved.statusCode).toBe(400);
    expect(ok(await gateway.send('GET', `/key/list?team_id=t`)).keys.map((k: { token: string }) => k.token)).toEqual([fits.token]);
  });

  it('never echoes a key pasted into a team or user id field: errors show its mask only', async () => {
    const { key } = gateway.keys.create({ key_alias: 'pasted' });
    const masked = `sk-...${key.slice(-4)}`;
    const answers = [
      await gateway.send('GET', `/team/info?team_id=${key}`),
      await gateway.send('GET', `/user/info?user_id=${key}`),
      await gateway.send('POST', '/team/update', { body: { team_id: key, max_budget: 1 } }),
      await gateway.send('POST', '/team/member_add', { body: { team_id: key, member: { user_id: 'ann' } } }),
      await gateway.send('POST', '/user/update', { body: { user_id: key, max_budget: 1 } }),
      await gateway.send('POST', '/key/generate', { body: { team_id: key } }),
      await gateway.send('POST', '/key/generate', { body: { user_id: key } }),
    ];
    for (const res of answers) {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain(key.slice(3));
      expect(res.json().error.message).toContain(masked);
    }
  });

  it('serves every /team and /user route in the management zone, admin only: a virtual key gets 403, no key 401', async () => {
    await gateway.app.ready();
    const routes = gateway.routes().filter((r) => /^\/(team|user)\//.test(r.url) && r.method !== 'OPTIONS' && r.method !== 'HEAD');
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /team/info', 'GET /team/list', 'GET /user/info', 'GET /user/list',
      'POST /team/block', 'POST /team/delete', 'POST /team/member_add', 'POST /team/member_delete', 'POST /team/member_update', 'POST /team/new', 'POST /team/unblock', 'POST /team/update',
      'POST /user/delete', 'POST /user/new', 'POST /user/update',
    ]);
    const { key } = gateway.keys.create({ key_alias: 'app' });
    for (const route of routes) {
      expect(route.zone, route.url).toBe('management');
      const body = route.method === 'POST' ? { body: {} } : {};
      const asKey = await gateway.send(route.method, route.url, { ...body, key });
      expect(asKey.statusCode, route.url).toBe(403);
      expect(asKey.json().error.code).toBe('admin_only');
      expect((await gateway.send(route.method, route.url, { ...body, key: null })).statusCode, route.url).toBe(401);
    }
  });
});

describe('a team block on the in-process gateway', () => {
  it("refuses the team's key on its next request even though the key was verified (and cached) just before", async () => {
    ok(await gateway.send('POST', '/team/new', { body: { team_id: 'cached-team' } }));
    const { key } = ok(await gateway.send('POST', '/key/generate', { body: { team_id: 'cached-team' } }));
    expect((await gateway.send('GET', '/v1/models', { key })).statusCode).toBe(200);
    ok(await gateway.send('POST', '/team/block', { body: { team_id: 'cached-team' } }));
    const refused = await gateway.send('GET', '/v1/models', { key });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('Team=cached-team is blocked');
    ok(await gateway.send('POST', '/team/unblock', { body: { team_id: 'cached-team' } }));
    expect((await gateway.send('GET', '/v1/models', { key })).statusCode).toBe(200);
  });
});
