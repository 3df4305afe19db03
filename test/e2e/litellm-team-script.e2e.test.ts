// The LiteLLM team workflow a user's existing script runs, unchanged, against the whole gateway
// (in process and listening) on each storage engine: /team/new -> /team/member_add (the user does
// not exist yet: created on the fly, as LiteLLM does) -> /key/generate with team_id -> a chat call
// with that key through the official openai SDK -> /team/info shows the key with its spend.
// Team, member and user budgets are stored but not enforced yet (issue 17 item 3): not tested here.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGatewaysOnEngines, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'sk-1234-team-script-admin-0123456789';
/** Every answer reports 100 output tokens at $0.00001 each: $0.001 per call. */
const CALL_USD = 0.001;

const gateways = useGatewaysOnEngines({ name: 'team-script', masterKey: MASTER, usage: { prompt: 10, completion: 100 } });
const config = (mockUrl: string) => [
  'model_list:',
  `  - model_name: gpt-4o`,
  `    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }`,
  '    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }',
  `  - model_name: o1`,
  `    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }`,
  '',
].join('\n');
const start = (engine: StorageEngine) => gateways.start(engine, config);

/** What a LiteLLM script does: requests with the admin key, JSON in and out. */
async function admin(url: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe.each(['sqlite', 'postgresql'] as const)('a LiteLLM team script on %s', (engine) => {
  it('creates a team, adds a member who is created on the fly, makes a team key, calls a model with it through the openai SDK, and sees the key and its spend in /team/info', async () => {
    const { url } = await start(engine);

    const team = await admin(url, '/team/new', { team_alias: 'research', models: ['gpt-4o'], max_budget: 10, budget_duration: '30d' });
    expect(team.status).toBe(200);
    const teamId = team.json.team_id as string;
    expect(team.json).toMatchObject({ team_alias: 'research', models: ['gpt-4o'], max_budget: 10, members_with_roles: [] });

    const added = await admin(url, '/team/member_add', { team_id: teamId, member: { role: 'user', user_id: 'krrish@example.com' }, max_budget_in_team: 2 });
    expect(added.status).toBe(200);
    expect(added.json.members_with_roles).toEqual([{ user_id: 'krrish@example.com', user_email: null, role: 'user' }]);
    expect((await admin(url, '/user/info?user_id=krrish%40example.com')).json.user_info).toMatchObject({ user_id: 'krrish@example.com', user_role: 'internal_user' });

    const outside = await admin(url, '/key/generate', { team_id: teamId, models: ['o1'] });
    expect(outside.status).toBe(400);
    expect(outside.json.error.message).toContain('"o1"');

    const generated = await admin(url, '/key/generate', { team_id: teamId, user_id: 'krrish@example.com', key_alias: 'krrish-laptop' });
    expect(generated.status).toBe(200);
    expect(generated.json).toMatchObject({ team_id: teamId, user_id: 'krrish@example.com' });

    const client = new OpenAI({ apiKey: generated.json.key, baseURL: `${url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    // The member's own key on the management API (its roles read from this engine): its keys, its
    // user, its team; another team's keys refused.
    const asMember = async (path: string) => {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${generated.json.key}` } });
      return { status: response.status, json: await response.json() };
    };
    expect((await asMember('/key/list')).json.keys.map((k: { token: string }) => k.token)).toEqual([generated.json.token]);
    expect((await asMember('/user/info')).json.user_id).toBe('krrish@example.com');
    expect((await asMember(`/team/info?team_id=${encodeURIComponent(teamId)}`)).status).toBe(200);
    expect((await asMember(`/key/list?team_id=${encodeURIComponent(teamId)}`)).json.error.code).toBe('outside_your_scope');
    expect((await asMember('/settings')).json.error.code).toBe('admin_only');
    // It makes a key for itself (its own user's, whatever the engine), and may not touch the team's.
    const made = await fetch(`${url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${generated.json.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: 'krrish-phone' }) });
    expect(made.status).toBe(200);
    expect(await made.json()).toMatchObject({ key_alias: 'krrish-phone', user_id: 'krrish@example.com', team_id: null });
    const blocked = await fetch(`${url}/key/block`, { method: 'POST', headers: { authorization: `Bearer ${generated.json.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ key: 'key_not_mine' }) });
    expect(blocked.status).toBe(403);

    const info = await admin(url, `/team/info?team_id=${encodeURIComponent(teamId)}`);
    expect(info.status).toBe(200);
    expect(info.json.team_info).toMatchObject({ team_id: teamId, team_alias: 'research', max_budget: 10, members_with_roles: [{ user_id: 'krrish@example.com', role: 'user' }] });
    expect(info.json.keys).toHaveLength(1);
    expect(info.json.keys[0]).toMatchObject({ token: generated.json.token, key_alias: 'krrish-laptop', team_id: teamId, user_id: 'krrish@example.com' });
    expect(info.json.keys[0].spend).toBeCloseTo(CALL_USD, 9);
    // The call is charged to the team and to the member's spend in it (read at once: the routes flush first).
    expect(info.json.team_memberships).toEqual([{ team_id: teamId, user_id: 'krrish@example.com', spend: expect.closeTo(CALL_USD, 9), max_budget_in_team: 2 }]);
    expect(info.json.team_info.spend).toBeCloseTo(CALL_USD, 9);
    expect((await admin(url, `/key/list?team_id=${encodeURIComponent(teamId)}`)).json.keys.map((k: { token: string }) => k.token)).toEqual([generated.json.token]);
    // The team's and the member's requests in /spend/logs: the one call, under the team key.
    for (const filter of [`team_id=${encodeURIComponent(teamId)}`, `user_id=${encodeURIComponent('krrish@example.com')}`]) {
      const logs = await admin(url, `/spend/logs?${filter}`);
      expect(logs.status, filter).toBe(200);
      expect(logs.json.data.map((r: { api_key: string }) => r.api_key), filter).toEqual([generated.json.token]);
    }
    expect((await admin(url, '/spend/logs?team_id=no-such-team')).json.data).toEqual([]);
    // And the team's line in the usage summary: its alias, the one call and its cost.
    const byTeam = await admin(url, '/usage/summary?group_by=team');
    expect(byTeam.status).toBe(200);
    const teamLine = byTeam.json.groups.find((g: { group: string }) => g.group === teamId);
    expect(teamLine).toMatchObject({ label: 'research', requests: 1 });
    expect(teamLine.spend).toBeCloseTo(CALL_USD, 9);

    // LiteLLM's /team/delete takes the team's keys with it: the key stops working at once.
    expect((await admin(url, '/team/delete', { team_ids: [teamId] })).json).toEqual({ deleted_teams: [teamId], deleted_keys: [generated.json.token] });
    const refused = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
  }, 60_000);
});
