// A request refused by authentication is a rejected request like one refused by policy (issue 14,
// item 5): a blocked or expired key's refusal is that key's row (and its app's), an unknown
// Switchboard key or a missing one is filed under the app its User-Agent names, and the row says
// why, in /spend/logs and in /usage/summary's rejected count. The key presented is never stored:
// not the key, not its hash, not a prefix of either (the SQLite files are searched byte by byte).
// A caller without a valid key cannot make the gateway write rows without bound (120 a minute).
// Real gateway (startGateway, SQLite in a temp dir), the official openai client, loopback only.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../main/config/load-config.js';
import { generateKeySecret } from '../../main/keys/virtual-keys.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { MASTER_KEY, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

const hi = [{ role: 'user' as const, content: 'hi' }];

type LogRow = { request_id: string; status: string; http_status: number; error_code: string | null; error_message: string | null; api_key: string | null };

/** The error an official client reports, with the request id the gateway answered with. */
async function refusal(request: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await request.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

/** Every byte the gateway keeps in its data directory's SQLite files (the database, its WAL). */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(readdirSync(dataDir).filter((name) => name.includes('.db') || name.includes('.sqlite')).map((name) => readFileSync(join(dataDir, name))));
}

/** What of a presented key could end up stored: the key, its SHA-256 (hex, base64) and the throttle's base64 prefix. */
function tracesOf(key: string): string[] {
  const digest = createHash('sha256').update(key).digest();
  return [key, digest.toString('hex'), digest.toString('hex').slice(0, 16), digest.toString('base64').slice(0, 16)];
}

describe('auth refusals with an admin key', () => {
  let gw: MeteredGateway;
  beforeAll(async () => {
    gw = await startMeteredGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("counts a blocked key's refused request as that key's and its app's rejected request, with the reason", async () => {
    const app = await gw.generateKey({ key_alias: 'notes-app', models: ['cheap'] });
    await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: hi });
    expect((await gw.api('POST', '/key/block', { key: app.id })).status).toBe(200);

    const refused = await refusal(gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: hi }));
    expect(refused.status).toBe(401);
    expect(refused.message).toContain('This API key is blocked');

    const logs = await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=100`);
    const rows = logs.json.data as LogRow[];
    expect(rows.map((r) => r.status).sort()).toEqual(['rejected', 'success']);
    expect(rows.find((r) => r.request_id === refused.requestID)).toMatchObject({
      status: 'rejected', http_status: 401, error_code: 'invalid_api_key',
      error_message: 'This API key is blocked. Unblock it with POST /key/unblock or in the dashboard.',
    });

    const summary = await gw.api('GET', `/usage/summary?group_by=app&start=0&end=${gw.clock.now() + 1}`);
    expect(summary.json.groups.find((g: { group: string }) => g.group === 'notes-app')).toMatchObject({ requests: 2, errors: 0, rejected: 1 });
    expect(databaseBytes(gw.dataDir).includes(app.key)).toBe(false);
  });

  it("counts an expired key's refused request as that key's", async () => {
    const app = await gw.generateKey({ key_alias: 'nightly-job', duration: '1h' });
    gw.clock.advance(2 * 3_600_000);
    const refused = await refusal(gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: hi }));
    expect(refused.status).toBe(401);

    gw.usageRows();
    const rows = (await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=100`)).json.data as LogRow[];
    expect(rows).toEqual([expect.objectContaining({ request_id: refused.requestID, status: 'rejected', error_message: 'This API key has expired. Ask the Switchboard admin for a new one.' })]);
    const summary = await gw.api('GET', `/usage/summary?group_by=app&start=0&end=${gw.clock.now() + 1}`);
    expect(summary.json.groups.find((g: { group: string }) => g.group === 'nightly-job')).toMatchObject({ requests: 1, rejected: 1 });
  });

  it('files an unknown key and a missing one under the app its User-Agent names, and stores nothing of the key', async () => {
    const unknown = generateKeySecret();
    const guessing = new OpenAI({ baseURL: `${gw.url()}/v1`, apiKey: unknown, maxRetries: 0 });
    const refusedUnknown = await refusal(guessing.chat.completions.create({ model: 'cheap', messages: hi }));
    expect(refusedUnknown.status).toBe(401);
    const missing = await fetch(`${gw.url()}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' }, body: JSON.stringify({ model: 'cheap', messages: hi }),
    });
    expect(missing.status).toBe(401);

    const rows = gw.usageRows('request_id IN (?, ?)', refusedUnknown.requestID, missing.headers.get('x-request-id'));
    expect(rows.map((r) => [r.app, r.key_id, r.status, r.http_status, r.error_code])).toEqual([
      ['openai-js', null, 'rejected', 401, 'invalid_api_key'],
      ['curl', null, 'rejected', 401, 'invalid_api_key'],
    ]);
    const summary = await gw.api('GET', `/usage/summary?group_by=app&start=0&end=${gw.clock.now() + 1}`);
    expect(summary.json.groups.find((g: { group: string }) => g.group === 'curl')).toMatchObject({ requests: 1, rejected: 1 });

    const bytes = databaseBytes(gw.dataDir);
    for (const trace of tracesOf(unknown)) expect(bytes.includes(trace), `the database holds ${trace === unknown ? 'the key' : 'a hash of the key'}`).toBe(false);
    expect(bytes.includes(MASTER_KEY)).toBe(false);
  });

  it('records at most 120 refusals a minute from one address, and refuses the rest all the same', async () => {
    // A fresh minute: the refusals of the tests above count against this address too.
    gw.clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      const response = await fetch(`${gw.url()}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'python-requests/2.31.0' }, body: JSON.stringify({ model: 'cheap', messages: hi }),
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(gw.usageRows("app = 'python-requests'")).toHaveLength(120);
    gw.clock.advance(60_000);
    expect((await fetch(`${gw.url()}/v1/models`, { headers: { 'user-agent': 'python-requests/2.31.0' } })).status).toBe(401);
    expect(gw.usageRows("app = 'python-requests'")).toHaveLength(121);
  });
});

describe('auth refusals in open mode (no admin key)', () => {
  let mock: MockUpstream;
  let running: RunningGateway;
  let dataDir: string;
  beforeAll(async () => {
    mock = await createMockUpstream();
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-auth-refusals-'));
    running = await startGateway({
      configFile: undefined, dataDir, host: '127.0.0.1', port: 0, masterKey: undefined, env: {}, log: pino({ level: 'silent' }), dashboardDir: null,
    }, parseConfigText(`model_list:\n  - model_name: local\n    litellm_params: { model: hosted_vllm/m, api_base: "${mock.url}/v1" }\n`, 'open.yaml', {}));
  });
  afterAll(async () => {
    await running?.close();
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts a deleted (unknown) Switchboard key as rejected for its User-Agent, and a placeholder key as served', async () => {
    const unknown = generateKeySecret();
    const refused = await refusal(new OpenAI({ baseURL: `${running.url}/v1`, apiKey: unknown, maxRetries: 0 }).chat.completions.create({ model: 'local', messages: hi }));
    expect(refused.status).toBe(401);
    await new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'sk-anything', maxRetries: 0 }).chat.completions.create({ model: 'local', messages: hi });

    running.usage.flush();
    const rows = running.db.db.prepare('SELECT app, key_id, status, error_code FROM usage_log ORDER BY ts, rowid').all();
    expect(rows).toEqual([
      { app: 'openai-js', key_id: null, status: 'rejected', error_code: 'invalid_api_key' },
      { app: 'openai-js', key_id: null, status: 'success', error_code: null },
    ]);
    const bytes = databaseBytes(dataDir);
    for (const trace of tracesOf(unknown)) expect(bytes.includes(trace)).toBe(false);
  });
});
