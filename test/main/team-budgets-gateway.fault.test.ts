// Team budgets through the whole gateway, in process and listening, on each storage engine: a
// LiteLLM-style setup (/user/new, /team/new, /team/member_add, /key/generate with team_id) whose
// team budget covers two requests answers the third with a 429 budget_exceeded naming the team,
// and /team/info then shows the team's and the member's spend (the user's personal spend stays 0:
// a team key does not spend its owner's personal budget).
import { describe, expect, it } from 'vitest';
import { callWithKey, useGatewaysOnEngines, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'adminpassphrase-0123456789';
/** $0.00001 per output token, input free; every answer reports 100 output tokens: each request costs exactly $0.001, its worst case. */
const COST_USD = 0.001;

const gateways = useGatewaysOnEngines({ name: 'team-budgets', masterKey: MASTER, usage: { prompt: 10, completion: 100 } });
const config = (mockUrl: string) => `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }\n    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }\n`;
const start = (engine: StorageEngine) => gateways.start(engine, config);
const call = callWithKey;

describe.each(['sqlite', 'postgresql'] as const)('team budgets through the gateway on %s', (engine) => {
  it("refuses a team key with a 429 naming the team once the team's budget is spent, and /team/info shows the spend", async () => {
    const { url } = await start(engine);
    const user = await call(url, '/user/new', MASTER, { user_email: 'ana@example.com', max_budget: COST_USD / 10, auto_create_key: false });
    expect(user.status).toBe(200);
    const userId = user.json.user_id as string;
    const team = await call(url, '/team/new', MASTER, { team_alias: 'research', max_budget: COST_USD * 2.5 });
    expect(team.status).toBe(200);
    const teamId = team.json.team_id as string;
    expect((await call(url, '/team/member_add', MASTER, { team_id: teamId, member: { user_id: userId, role: 'user' } })).status).toBe(200);
    const generated = await call(url, '/key/generate', MASTER, { key_alias: 'ana-laptop', team_id: teamId, user_id: userId });
    expect(generated.status).toBe(200);
    const key = generated.json.key as string;

    const chat = () => call(url, '/v1/chat/completions', key, { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    // The user's personal budget ($0.0001) would refuse even one: on a team key it does not apply.
    expect((await chat()).status).toBe(200);
    expect((await chat()).status).toBe(200);
    const refused = await chat();
    expect(refused.status).toBe(429);
    const error = refused.json.error as Record<string, unknown>;
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toMatch(/^Budget exceeded for team 'research': this request may cost up to \$0\.001/);
    expect(error.message).toContain("team 'research' has $0.0005 left of its $0.0025 budget");

    // /spend/logs writes the queued usage rows first (and with them, every level's spend).
    expect((await call(url, `/spend/logs?team_id=${encodeURIComponent(teamId)}&page_size=10`, MASTER)).status).toBe(200);
    const info = await call(url, `/team/info?team_id=${encodeURIComponent(teamId)}`, MASTER);
    expect(info.status).toBe(200);
    expect((info.json.team_info as Record<string, unknown>).spend).toBeCloseTo(COST_USD * 2, 9);
    const memberships = info.json.team_memberships as Record<string, unknown>[];
    expect(memberships.find((m) => m.user_id === userId)!.spend).toBeCloseTo(COST_USD * 2, 9);
    const userInfo = await call(url, `/user/info?user_id=${encodeURIComponent(userId)}`, MASTER);
    expect((userInfo.json.user_info as Record<string, unknown>).spend).toBe(0);
  }, 60_000);
});
