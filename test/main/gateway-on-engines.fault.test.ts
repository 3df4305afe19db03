// The whole gateway, in process and listening, on each storage engine: startGateway on an SQLite
// file and startTeamGateway on a throwaway PostgreSQL database. A key made with /key/generate and a
// budget admits exactly the requests the budget covers out of 60 sent at once, spends no more than
// the budget, and once blocked is refused; the management API answers the same on both.
import { describe, expect, it } from 'vitest';
import { callWithKey, useGatewaysOnEngines, type CallAnswer, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'adminpassphrase-0123456789';
/** $0.00001 per output token, input free: a request with max_tokens 100 may cost $0.001, and costs exactly that. */
const WORST_CASE_USD = 0.001;
const ADMITTED = 10;
const SENT = 60;

// Every answer reports 100 output tokens: each admitted request costs its whole worst case, so
// the budget admits exactly ADMITTED however the requests interleave.
const gateways = useGatewaysOnEngines({ name: 'engines-gateway', masterKey: MASTER, usage: { prompt: 10, completion: 100 } });
const config = (mockUrl: string) => `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }\n    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }\n`;
const start = (engine: StorageEngine) => gateways.start(engine, config);
const call = callWithKey;

const chat = (url: string, key: string) => call(url, '/v1/chat/completions', key, { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

describe.each(['sqlite', 'postgresql'] as const)('the gateway on %s', (engine) => {
  it(`admits exactly the ${ADMITTED} of ${SENT} concurrent requests a key's budget covers, spends at most the budget, and refuses the key once blocked`, async () => {
    const { url } = await start(engine);
    const generated = await call(url, '/key/generate', MASTER, { key_alias: 'team-app', max_budget: WORST_CASE_USD * (ADMITTED + 0.5) });
    expect(generated.status).toBe(200);
    const key = generated.json.key as string;

    const answers = await Promise.all(Array.from({ length: SENT }, () => chat(url, key)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(ADMITTED);
    expect(statuses.filter((s) => s === 429)).toHaveLength(SENT - ADMITTED);
    const refused = answers.find((a) => a.status === 429)!.json.error as Record<string, unknown>;
    expect(refused.code).toBe('budget_exceeded');

    // Read at once (before anything else flushes), the usage routes count every request: they write
    // the queued rows first (on PostgreSQL a Promise, once started without being awaited).
    const logs = await call(url, `/spend/logs?api_key=${encodeURIComponent(generated.json.token as string)}&page_size=100`, MASTER);
    expect(logs.status).toBe(200);
    expect((logs.json.data as unknown[]).length).toBe(SENT);

    const info = await call(url, `/key/info?key=${encodeURIComponent(key)}`, MASTER);
    expect(info.status).toBe(200);
    const spend = (info.json.info as Record<string, unknown>).spend as number;
    expect(spend).toBeCloseTo(WORST_CASE_USD * ADMITTED, 9);
    expect(spend).toBeLessThanOrEqual(WORST_CASE_USD * (ADMITTED + 0.5));

    expect((await call(url, '/key/block', MASTER, { key })).status).toBe(200);
    const blocked = await chat(url, key);
    expect(blocked.status).toBe(401);
    expect((blocked.json.error as Record<string, unknown>).message).toMatch(/blocked/);
  }, 60_000);

  it('serves the management API over its storage: a model added, the active model switched, settings changed, all read back', async () => {
    const { url } = await start(engine);
    const added = await call(url, '/model/new', MASTER, { model_name: 'extra', litellm_params: { model: 'openai/up', api_base: `${gateways.mock.url}/v1` }, model_info: { id: 'extra-1' } });
    expect(added.status).toBe(200);
    expect((await call(url, '/active-model', MASTER, { model: 'extra' })).json.model).toBe('extra');
    expect((await call(url, '/settings', MASTER, { body_logging: true })).json.body_logging).toBe(true);
    expect((await call(url, '/active-model', MASTER)).json.model).toBe('extra');
    expect((await call(url, '/model/export', MASTER)).status).toBe(200);
    const served = await call(url, '/v1/chat/completions', MASTER, { model: 'switchboard/active', messages: [{ role: 'user', content: 'hi' }] });
    expect(served.status).toBe(200);
    expect((await call(url, '/model/delete', MASTER, { id: 'extra-1' })).status).toBe(200);
    expect((await call(url, '/active-model', MASTER)).json.model).toBe('m');
  }, 60_000);
});
