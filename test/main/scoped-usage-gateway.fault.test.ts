// Issue 17's member and team-admin views over a listening gateway on each storage engine: after real
// chat traffic through a team member's, a team admin's and an ownerless key, /usage/summary and
// /usage/timeline filtered by key, team and user give each caller's numbers; a member's key sees its
// own usage only and is refused its team's; a team admin's key sees its team's; a member's key reads
// /model/info narrowed to its team's models, with no server address in it.
import { describe, expect, it } from 'vitest';
import { callWithKey, useGatewaysOnEngines, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'adminpassphrase-0123456789';
const gateways = useGatewaysOnEngines({ name: 'scoped-usage', masterKey: MASTER, usage: { prompt: 10, completion: 20 } });
const config = (mockUrl: string) => `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }\n  - model_name: other\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }\n`;
const start = (engine: StorageEngine) => gateways.start(engine, config);
const call = callWithKey;

describe.each(['sqlite', 'postgresql'] as const)('usage views by role on %s', (engine) => {
  it('filters usage by key, team and user, and gives a member its own and a team admin its team\'s', async () => {
    const { url } = await start(engine);
    const ok = async (path: string, key: string, body?: unknown) => {
      const res = await call(url, path, key, body);
      expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(200);
      return res.json;
    };
    await ok('/team/new', MASTER, { team_id: 't1', team_alias: 'research', models: ['m'] });
    await ok('/team/member_add', MASTER, { team_id: 't1', member: [{ user_id: 'u-member', role: 'user' }, { user_id: 'u-admin', role: 'admin' }] });
    const member = await ok('/key/generate', MASTER, { user_id: 'u-member', team_id: 't1' });
    const admin = await ok('/key/generate', MASTER, { user_id: 'u-admin', team_id: 't1' });
    const loose = await ok('/key/generate', MASTER, { key_alias: 'loose' });
    const chats: [string, number][] = [[member.key, 2], [admin.key, 1], [loose.key, 3]];
    for (const [key, n] of chats) {
      for (let i = 0; i < n; i++) await ok('/v1/chat/completions', key, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    }
    const requests = async (path: string, key = MASTER) => (await ok(path, key)).totals.requests as number;
    const timelineRequests = async (path: string, key = MASTER) => ((await ok(path, key)).points as { requests: number }[]).reduce((n, p) => n + p.requests, 0);

    // The admin key: every filter.
    expect(await requests('/usage/summary')).toBe(6);
    expect(await requests('/usage/summary?team_id=t1')).toBe(3);
    expect(await requests('/usage/summary?user_id=u-member&group_by=model')).toBe(2);
    expect(await requests(`/usage/summary?key_id=${loose.token}&group_by=day`)).toBe(3);
    expect(await requests(`/usage/summary?api_key=${admin.token}`)).toBe(1);
    expect(await timelineRequests('/usage/timeline?bucket=hour&team_id=t1')).toBe(3);
    expect((await ok('/usage/summary?team_id=no-such-team&group_by=team', MASTER)).groups).toEqual([]);
    const byUser = (await ok('/usage/summary?group_by=user&team_id=t1', MASTER)).groups as { group: string; requests: number }[];
    expect(Object.fromEntries(byUser.map((g) => [g.group, g.requests]))).toEqual({ 'u-member': 2, 'u-admin': 1 });

    // A member's key: its own usage, by any grouping; its team's is refused.
    expect(await requests('/usage/summary?group_by=team', member.key)).toBe(2);
    expect((await ok('/usage/summary?group_by=key', member.key)).groups.map((g: { group: string }) => g.group)).toEqual([member.token]);
    expect(await timelineRequests('/usage/timeline?bucket=day', member.key)).toBe(2);
    const refused = await call(url, '/usage/summary?team_id=t1', member.key);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('outside_your_scope');

    // A team admin's key: its own by default, its team's with team_id.
    expect(await requests('/usage/summary', admin.key)).toBe(1);
    expect(await requests('/usage/summary?team_id=t1&group_by=key', admin.key)).toBe(3);
    expect(await timelineRequests('/usage/timeline?bucket=hour&team_id=t1', admin.key)).toBe(3);

    // An ownerless key is not a member of anything: still the admin's business.
    expect((await call(url, '/usage/summary', loose.key)).status).toBe(403);

    // The Models page for a member: its team allows m only, and no server address is shown.
    const models = await ok('/model/info', member.key);
    expect(models.data.map((e: { model_name: string }) => e.model_name)).toEqual(['m']);
    expect(JSON.stringify(models)).not.toContain(gateways.mock.url);
    expect((await ok('/model/info', MASTER)).data).toHaveLength(2);
  }, 60_000);
});
