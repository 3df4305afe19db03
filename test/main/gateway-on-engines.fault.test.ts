// The whole gateway, in process and listening, on each storage engine: startGateway on an SQLite
// file and startTeamGateway on a throwaway PostgreSQL database. A key made with /key/generate and a
// budget admits exactly the requests the budget covers out of 60 sent at once, spends no more than
// the budget, and once blocked is refused; the management API answers the same on both.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../main/start-gateway.js';
import { startTeamGateway } from '../../main/start-team-gateway.js';
import { parseDatabaseUrl } from '../../main/storage/database-url.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { usePostgresCluster } from '../support/postgres-cluster.js';

const MASTER = 'adminpassphrase-0123456789';
/** $0.00001 per output token, input free: a request with max_tokens 100 may cost $0.001, and costs exactly that. */
const WORST_CASE_USD = 0.001;
const ADMITTED = 10;
const SENT = 60;

const postgres = usePostgresCluster();
let mock: MockUpstream;
let work: string;
beforeAll(async () => {
  // Every answer reports 100 output tokens: each admitted request costs its whole worst case, so
  // the budget admits exactly ADMITTED however the requests interleave.
  mock = await createMockUpstream({ defaultBehaviour: { kind: 'ok', usage: { prompt: 10, completion: 100 } } });
  work = mkdtempSync(join(tmpdir(), 'switchboard-engines-gateway-'));
});
afterAll(async () => {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
});

interface Started {
  url: string;
  close(): Promise<void>;
}
let running: Started | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(engine: 'sqlite' | 'postgresql'): Promise<Started> {
  const dir = mkdtempSync(join(work, `${engine}-`));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }\n    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }\n`);
  const options = { configFile, dataDir: join(dir, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER, env: {}, log: pino({ level: 'silent' }), dashboardDir: null };
  if (engine === 'sqlite') return startGateway(options);
  return startTeamGateway({ ...options, database: parseDatabaseUrl(await postgres.createDatabase()) });
}

async function call(url: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const chat = (url: string, key: string) => call(url, '/v1/chat/completions', key, { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

describe.each(['sqlite', 'postgresql'] as const)('the gateway on %s', (engine) => {
  it(`admits exactly the ${ADMITTED} of ${SENT} concurrent requests a key's budget covers, spends at most the budget, and refuses the key once blocked`, async () => {
    running = await start(engine);
    const { url } = running;
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
    running = await start(engine);
    const { url } = running;
    const added = await call(url, '/model/new', MASTER, { model_name: 'extra', litellm_params: { model: 'openai/up', api_base: `${mock.url}/v1` }, model_info: { id: 'extra-1' } });
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
