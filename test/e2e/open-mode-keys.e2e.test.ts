// Open mode (the quick start: no admin key) with virtual keys, as a new user meets it: a key made
// in the dashboard must be that key everywhere — its rate limit, models and attribution apply and
// a deleted key stops working — while requests without a key, or with the placeholder an SDK
// insists on, are still served. Real gateway (startGateway, SQLite in a temp dir), real sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../main/config/load-config.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';

let mock: MockUpstream;
let running: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  mock = await createMockUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-open-keys-'));
  const yaml = `model_list:
  - model_name: local
    litellm_params: { model: hosted_vllm/m, api_base: "${mock.url}/v1" }
  - model_name: other
    litellm_params: { model: hosted_vllm/o, api_base: "${mock.url}/v1" }
  - model_name: priced
    litellm_params: { model: hosted_vllm/p, api_base: "${mock.url}/v1" }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
`;
  running = await startGateway({
    configFile: undefined, dataDir, host: '127.0.0.1', port: 0, masterKey: undefined, env: {}, log: pino({ level: 'silent' }), dashboardDir: null,
  }, parseConfigText(yaml, 'open.yaml', {}));
});
afterAll(async () => {
  await running?.close();
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function management(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${running.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${running.url}/v1`, maxRetries: 0 });
const ask = (apiKey: string, model = 'local') => client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('virtual keys in open mode (no admin key)', () => {
  it("apply the key's rate limit, models and attribution", async () => {
    const made = await management('POST', '/key/generate', { key_alias: 'notes-app', rpm_limit: 2, models: ['local'] });
    expect(made.status).toBe(200);
    const key = made.json.key as string;
    await ask(key);
    await ask(key);
    await expect(ask(key)).rejects.toMatchObject({ status: 429 });
    await expect(ask(key, 'other')).rejects.toMatchObject({ status: 403 });
    running.usage.flush();
    const rows = running.db.db.prepare("SELECT key_id, app, status FROM usage_log WHERE status = 'success'").all() as Array<{ key_id: string | null; app: string }>;
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.key_id === made.json.token && row.app === 'notes-app')).toBe(true);
  });

  it('refuse a deleted key, and serve no key or an SDK placeholder openly', async () => {
    const made = await management('POST', '/key/generate', { key_alias: 'gone-app' });
    const key = made.json.key as string;
    expect((await ask(key)).choices[0]?.message.content).toBe('Hello, world!');
    expect((await management('POST', '/key/delete', { keys: [key] })).status).toBe(200);
    await expect(ask(key)).rejects.toMatchObject({ status: 401, error: { code: 'invalid_api_key' } });
    expect((await ask('sk-anything')).choices).toHaveLength(1);
    expect((await ask('ollama')).choices).toHaveLength(1);
    const anonymous = await fetch(`${running.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(anonymous.status).toBe(200);
  });

  it('let exactly as many requests through as the rate limit says (5 a minute: 5, then 429)', async () => {
    const made = await management('POST', '/key/generate', { key_alias: 'five-app', rpm_limit: 5 });
    const key = made.json.key as string;
    for (let i = 0; i < 5; i += 1) expect((await ask(key)).choices).toHaveLength(1);
    await expect(ask(key)).rejects.toMatchObject({ status: 429 });
  });

  it("apply the key's budget: a request that could cost more than is left is refused", async () => {
    const made = await management('POST', '/key/generate', { key_alias: 'thrifty-app', max_budget: 0.000001 });
    const key = made.json.key as string;
    await expect(ask(key, 'priced')).rejects.toMatchObject({ error: { code: 'budget_exceeded' } });
  });

  it('show when the key was last used', async () => {
    const made = await management('POST', '/key/generate', { key_alias: 'seen-app' });
    const key = made.json.key as string;
    const token = made.json.token as string;
    const before = await management('GET', `/key/info?key=${token}`);
    expect((before.json.info as Record<string, unknown>).last_active).toBeNull();
    await ask(key);
    const after = await management('GET', `/key/info?key=${token}`);
    expect((after.json.info as Record<string, unknown>).last_active).toEqual(expect.any(String));
  });

  it('refuse a made-up key shaped like a Switchboard key', async () => {
    const madeUp = `sk-${'A'.repeat(43)}`;
    await expect(ask(madeUp)).rejects.toMatchObject({ status: 401, error: { code: 'invalid_api_key' } });
  });
});
