// Issue 3, "Done when", tried as a new user would: create a key for an app with POST /key/generate
// (curl-like fetch), use it from the official openai SDK, hit its rate limit and its budget and get
// the documented 429s, be refused a model outside its list (403), a blocked / expired / unknown key
// (401) and the management API as a virtual key (403); see every request with its cost in
// /spend/logs and /usage/summary; restart the gateway on the same data directory and find it all
// still there. Also: the key never reaches the SQLite file or its -wal (S8), hostile key strings
// change nothing (S6), and the management API's error cases answer in OpenAI's error shape.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../main/start-gateway.js';
import { estimatePromptTokens } from '../../main/core/estimate-tokens.js';
import { rawRequest } from '../support/raw-http.js';
import { MASTER_KEY, START_MS, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const INVALID_KEY_BODY = {
  error: {
    message: 'Invalid or missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
    type: 'authentication_error',
    param: null,
    code: 'invalid_api_key',
  },
};

let gw: MeteredGateway;
/** Every plaintext key this file ever saw: none may reach the database. */
const issuedKeys: string[] = [];

beforeAll(async () => {
  gw = await startMeteredGateway();
});
afterAll(async () => {
  await gw?.close();
});

async function generate(fields: Record<string, unknown>) {
  const generated = await gw.generateKey(fields);
  issuedKeys.push(generated.key);
  return generated;
}

/** The SDK's error for a call that must fail. */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('the call was expected to fail');
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Summarise the report.' }],
  ...extra,
});

/** Premium is $300 per million tokens in and out: prompt + max_tokens = 1,000 tokens = $0.30. */
const PREMIUM_PROMPT_TOKENS = estimatePromptTokens(ask('premium'));
const PREMIUM_MAX_TOKENS = 1000 - PREMIUM_PROMPT_TOKENS;
const premiumCall = () => ask('premium', { max_tokens: PREMIUM_MAX_TOKENS });

describe('virtual keys, budgets and usage, as a new user tries them', () => {
  let notes: { key: string; id: string };
  /** x-request-id of every request made with the notes-app key that reached admission. */
  const notesRequests: string[] = [];

  it('creates a key for an app with POST /key/generate and shows the key once: sk- plus 32 random bytes', async () => {
    const created = await generate({
      key_alias: 'notes-app', models: ['cheap', 'premium', 'local'], rpm_limit: 3, max_budget: 1, budget_duration: '30d', metadata: { team: 'docs' },
    });
    notes = created;
    expect(created.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(created.key.slice(3), 'base64url')).toHaveLength(32);
    expect(created.body).toMatchObject({
      key_name: `sk-...${created.key.slice(-4)}`,
      key_alias: 'notes-app',
      models: ['cheap', 'premium', 'local'],
      spend: 0,
      max_budget: 1,
      budget_duration: '30d',
      budget_reset_at: new Date(START_MS + 30 * DAY).toISOString(),
      rpm_limit: 3,
      blocked: false,
      metadata: { team: 'docs' },
    });
    expect(created.id).toMatch(/^key_/);

    // Listed and described by its mask only; the key itself is never shown again.
    const list = await gw.api('GET', '/key/list');
    expect(list.status).toBe(200);
    const listed = list.json.keys.find((k: any) => k.token === created.id);
    expect(listed.key_name).toBe(`sk-...${created.key.slice(-4)}`);
    expect(list.text).not.toContain(created.key);
    const info = await gw.api('GET', `/key/info?key=${encodeURIComponent(created.key)}`);
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ key: created.id, info: { key_alias: 'notes-app', key_name: listed.key_name } });
    expect(info.text).not.toContain(created.key);
  });

  it('serves the openai SDK with the key, and says how much of the rpm limit is left', async () => {
    const client = gw.openai(notes.key);
    const { data, response } = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, world!');
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    notesRequests.push(response.headers.get('x-request-id')!);

    const { data: stream, response: streamResponse } = await client.chat.completions.create({ ...ask('cheap'), stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello, world!');
    expect(streamResponse.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    notesRequests.push(streamResponse.headers.get('x-request-id')!);
  });

  it('refuses a model outside the key\'s list with 403 naming the allowed models', async () => {
    const error = await refusal(gw.openai(notes.key).chat.completions.create(ask('stalling')));
    // A refusal by policy leaves its row too (rejected), so the app's log shows it.
    notesRequests.push(error.requestID!);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.status).toBe(403);
    expect(error.error).toEqual({
      message: 'This key may not use model "stalling". Allowed models: cheap, premium, local',
      type: 'permission_error',
      param: 'model',
      code: 'model_not_allowed',
    });
  });

  it('answers the request over the rpm limit with 429 rate_limited, Retry-After and x-ratelimit-* headers, until the minute has passed', async () => {
    const client = gw.openai(notes.key);
    const third = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(third.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    notesRequests.push(third.response.headers.get('x-request-id')!);

    gw.clock.advance(15_000);
    const error = await refusal(client.chat.completions.create(ask('cheap')));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.type).toBe('rate_limit_error');
    expect((error.error as { message: string }).message).toMatch(/^Rate limit exceeded for notes-app: 3 requests per minute\. Retry after 45 s\.$/);
    // The oldest of the three requests leaves the window 45 s from now (the test's clock).
    expect(error.headers?.get('retry-after')).toBe('45');
    expect(error.headers?.get('x-ratelimit-limit-requests')).toBe('3');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers?.get('x-ratelimit-reset-requests')).toBe('45s');
    notesRequests.push(error.requestID!);

    gw.clock.advance(45_000);
    const again = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(again.data.choices[0]?.message.content).toBe('Hello, world!');
    notesRequests.push(again.response.headers.get('x-request-id')!);
  });

  it('answers the request over the budget with 429 budget_exceeded, saying the budget and when it resets', async () => {
    gw.clock.advance(MINUTE);
    const client = gw.openai(notes.key);
    // Each premium answer costs its whole worst case: $0.30. Three fit in $1.00, the fourth does not.
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PREMIUM_PROMPT_TOKENS, completion: PREMIUM_MAX_TOKENS } });
    try {
      for (let i = 0; i < 3; i++) {
        const { response } = await client.chat.completions.create(premiumCall()).withResponse();
        notesRequests.push(response.headers.get('x-request-id')!);
      }
      gw.clock.advance(MINUTE); // out of the rpm window, so the budget is what refuses
      const error = await refusal(client.chat.completions.create(premiumCall()));
      notesRequests.push(error.requestID!);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.status).toBe(429);
      expect(error.type).toBe('budget_exceeded');
      expect(error.code).toBe('budget_exceeded');
      const resetAt = START_MS + 30 * DAY;
      expect(error.error).toMatchObject({ param: null });
      expect((error.error as { message: string }).message).toBe(
        'Budget exceeded for notes-app: this request may cost up to $0.30 at 987 output tokens; ' +
          'notes-app has $0.10 left of its $1.00 budget; lower max_tokens to lower the hold; resets 1 Apr 2026 10:00 UTC.',
      );
      expect(error.headers?.get('retry-after')).toBe(String((resetAt - gw.clock.now()) / 1000));

      // A model priced at zero (a local server) skips the budget: the app keeps working on it.
      const local = await client.chat.completions.create(ask('local')).withResponse();
      expect(local.data.choices[0]?.message.content).toBe('Hello, world!');
      notesRequests.push(local.response.headers.get('x-request-id')!);

      // The next budget period starts on schedule and the key is admitted again.
      gw.clock.advance(resetAt - gw.clock.now());
      const renewed = await client.chat.completions.create(premiumCall()).withResponse();
      notesRequests.push(renewed.response.headers.get('x-request-id')!);
    } finally {
      gw.mock.setDefault({ kind: 'ok' });
    }
    const info = await gw.api('GET', `/key/info?key=${notes.id}`);
    expect(info.json.info).toMatchObject({ spend: 0.3, budget_reset_at: new Date(START_MS + 60 * DAY).toISOString() });
  });

  it('refuses a blocked key with 401 until it is unblocked', async () => {
    const client = gw.openai(notes.key);
    expect((await gw.api('POST', '/key/block', { key: notes.id })).json).toMatchObject({ blocked: true });
    const error = await refusal(client.chat.completions.create(ask('local')));
    // The refusal is the key's request too, counted as rejected (issue 14: auth refusals are rows).
    notesRequests.push(error.requestID!);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.error).toMatchObject({ code: 'invalid_api_key', type: 'authentication_error' });
    expect(error.message).toContain('blocked');
    expect((await gw.api('POST', '/key/unblock', { key: notes.id })).json).toMatchObject({ blocked: false });
    const { response } = await client.chat.completions.create(ask('local')).withResponse();
    notesRequests.push(response.headers.get('x-request-id')!);
  });

  it('refuses an expired key and an unknown key with 401', async () => {
    const shortLived = await generate({ key_alias: 'demo-script', duration: '1h' });
    const client = gw.openai(shortLived.key);
    await client.chat.completions.create(ask('local'));
    gw.clock.advance(60 * MINUTE);
    const expired = await refusal(client.chat.completions.create(ask('local')));
    expect(expired.status).toBe(401);
    expect(expired.error).toMatchObject({ code: 'invalid_api_key', type: 'authentication_error' });
    expect(expired.message).toContain('expired');

    const unknown = await refusal(gw.openai(`sk-${'x'.repeat(43)}`).chat.completions.create(ask('local')));
    expect(unknown.status).toBe(401);
    expect(unknown.error).toEqual(INVALID_KEY_BODY.error);
  });

  it.each([
    ['POST', '/key/generate', { key_alias: 'sneaky' }],
    ['POST', '/key/update', { key: 'key_any', rpm_limit: 1000 }],
    ['POST', '/key/delete', { keys: ['key_any'] }],
    ['GET', '/key/list', undefined],
    ['POST', '/key/regenerate', { key: 'key_any' }],
    ['POST', '/key/block', { key: 'key_any' }],
    ['POST', '/key/unblock', { key: 'key_any' }],
    ['GET', '/spend/logs', undefined],
    ['GET', '/usage/summary', undefined],
  ] as const)('refuses a virtual key on %s %s with 403 admin_only', async (method, path, body) => {
    const before = gw.running().keys.list().total;
    const response = await gw.api(method, path, body, notes.key);
    expect(response.status).toBe(403);
    expect(response.json).toEqual({
      error: { message: 'This route needs the admin (master) key; virtual keys cannot manage Switchboard', type: 'permission_error', param: null, code: 'admin_only' },
    });
    expect(gw.running().keys.list().total).toBe(before);
  });

  it('lets a virtual key read its own /key/info (no query, or naming itself) and refuses another key\'s with 403 not_own_key', async () => {
    const own = await gw.api('GET', '/key/info', undefined, notes.key);
    expect(own.status).toBe(200);
    expect(own.json.info).toMatchObject({ token: notes.id, key_alias: 'notes-app' });
    expect(typeof own.json.info.spend).toBe('number');
    expect((await gw.api('GET', `/key/info?key=${notes.id}`, undefined, notes.key)).status).toBe(200);
    const other = await gw.api('GET', '/key/info?key=key_any', undefined, notes.key);
    expect(other.status).toBe(403);
    expect(other.json.error).toMatchObject({ type: 'permission_error', code: 'not_own_key' });
  });

  it('shows every request of the app with its cost in /spend/logs, and the key\'s spend is their sum', async () => {
    const logs = await gw.api('GET', `/spend/logs?api_key=${notes.id}&page_size=100`);
    expect(logs.status).toBe(200);
    const rows: any[] = logs.json.data;
    expect(logs.json.total).toBe(notesRequests.length);
    expect(rows.map((r) => r.request_id).sort()).toEqual([...notesRequests].sort());
    for (const row of rows) {
      // Refused by authentication, before a model was read: no provider.
      expect(row).toMatchObject({ api_key: notes.id, key_alias: 'notes-app', app: 'notes-app', custom_llm_provider: row.error_code === 'invalid_api_key' ? '' : 'openai' });
      expect(row.spend).toBe(row.spend_micros / 1_000_000);
    }
    const byStatus = (status: string) => rows.filter((r) => r.status === status);
    expect(byStatus('rejected').map((r) => r.error_code).sort()).toEqual(['budget_exceeded', 'invalid_api_key', 'model_not_allowed', 'rate_limited']);
    const refusedWith: Record<string, number> = { model_not_allowed: 403, invalid_api_key: 401 };
    for (const row of byStatus('rejected')) expect(row).toMatchObject({ http_status: refusedWith[row.error_code] ?? 429, spend: 0 });
    // Each refusal says why, in the words the client got.
    expect(byStatus('rejected').find((r) => r.error_code === 'budget_exceeded').error_message).toMatch(/^Budget exceeded for notes-app: /);
    // Prices: cheap $1 / $2 per million (10 + 4 tokens = 18 micro-USD), premium $0.30 an answer, local free.
    const cheap = rows.filter((r) => r.model === 'cheap' && r.status === 'success');
    expect(cheap).toHaveLength(4);
    for (const row of cheap) expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, spend_micros: 18, usage_estimated: false });
    const premium = rows.filter((r) => r.model === 'premium' && r.status === 'success');
    expect(premium.map((r) => r.spend)).toEqual([0.3, 0.3, 0.3, 0.3]);
    for (const row of rows.filter((r) => r.model === 'local')) expect(row.spend).toBe(0);

    const total = rows.reduce((sum, r) => sum + r.spend_micros, 0);
    expect(total).toBe(4 * 18 + 4 * 300_000);
    // The budget period reset once: the key's spend counts only the current period.
    const info = await gw.api('GET', `/key/info?key=${notes.id}`);
    expect(info.json.info.spend).toBe(0.3);
  });

  it('sums the same requests in /usage/summary grouped by app, model, provider, day and key', async () => {
    const range = `start=${START_MS}&end=${gw.clock.now() + 1}`;
    const summary = async (groupBy: string) => {
      const response = await gw.api('GET', `/usage/summary?group_by=${groupBy}&${range}`);
      expect(response.status, response.text).toBe(200);
      return response.json;
    };
    const app = (await summary('app')).groups.find((g: any) => g.group === 'notes-app');
    expect(app).toMatchObject({ requests: notesRequests.length, errors: 0, rejected: 4, spend_micros: 4 * 18 + 4 * 300_000, spend: 1.200072 });

    const models = Object.fromEntries((await summary('model')).groups.map((g: any) => [g.group, g]));
    expect(models.premium).toMatchObject({ spend_micros: 1_200_000 });
    expect(models.cheap.spend_micros).toBe(4 * 18);
    expect(models.local.spend_micros).toBe(0);

    const providers = (await summary('provider')).groups;
    // '' holds the requests refused by authentication, which never reached a provider.
    expect(providers.map((g: any) => g.group).sort()).toEqual(['', 'openai']);

    const days = (await summary('day')).groups.map((g: any) => g.group);
    expect(days).toEqual(['2026-03-02', '2026-04-01']);

    const keys = (await summary('key')).groups.find((g: any) => g.group === notes.id);
    expect(keys).toMatchObject({ label: 'notes-app', requests: notesRequests.length, spend_micros: 4 * 18 + 4 * 300_000 });
  });

  it('regenerates a key: the old secret stops working, the new one keeps the limits and the spend', async () => {
    const app = await generate({ key_alias: 'mail-app', models: ['cheap'], rpm_limit: 100 });
    await gw.openai(app.key).chat.completions.create(ask('cheap'));
    const regenerated = await gw.api('POST', '/key/regenerate', { key: app.id });
    expect(regenerated.status).toBe(200);
    issuedKeys.push(regenerated.json.key);
    expect(regenerated.json).toMatchObject({ token: app.id, key_alias: 'mail-app', models: ['cheap'], rpm_limit: 100, spend: 0.000018 });
    expect(regenerated.json.key).not.toBe(app.key);
    expect((await refusal(gw.openai(app.key).chat.completions.create(ask('cheap')))).status).toBe(401);
    const answer = await gw.openai(regenerated.json.key).chat.completions.create(ask('cheap'));
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');

    const deleted = await gw.api('POST', '/key/delete', { keys: [app.id] });
    expect(deleted.json).toEqual({ deleted_keys: [app.id], not_found: [] });
    expect((await refusal(gw.openai(regenerated.json.key).chat.completions.create(ask('cheap')))).status).toBe(401);
  });

  it('never writes a key to the SQLite file or its -wal while the gateway runs (S8)', () => {
    const scan = readDatabaseBytes(gw.dataDir);
    // The scan does see what the gateway wrote: the app's name is there.
    expect(scan.some((bytes) => bytes.includes('notes-app'))).toBe(true);
    expect(findKeys(scan)).toEqual([]);
  });

  it('finds keys, spend and usage still there after a restart on the same data directory, and the key still works', async () => {
    const before = {
      list: (await gw.api('GET', '/key/list')).json,
      logs: (await gw.api('GET', `/spend/logs?api_key=${notes.id}&page_size=100`)).json,
      summary: (await gw.api('GET', `/usage/summary?group_by=key&start=${START_MS}&end=${gw.clock.now() + 1}`)).json,
    };
    await gw.restart();
    expect((await gw.api('GET', '/key/list')).json).toEqual(before.list);
    expect((await gw.api('GET', `/spend/logs?api_key=${notes.id}&page_size=100`)).json).toEqual(before.logs);
    expect((await gw.api('GET', `/usage/summary?group_by=key&start=${START_MS}&end=${gw.clock.now() + 1}`)).json).toEqual(before.summary);

    const { data, response } = await gw.openai(notes.key).chat.completions.create(ask('cheap')).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, world!');
    // The rate limiter starts empty after a restart; the budget and its spend do not.
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    const info = await gw.api('GET', `/key/info?key=${notes.id}`);
    expect(info.json.info.spend).toBe(0.300018);
  });

  it('never writes a key to the SQLite file or its -wal, after the gateway has closed either (S8)', async () => {
    await gw.stop();
    const scan = readDatabaseBytes(gw.dataDir);
    expect(scan.some((bytes) => bytes.includes('notes-app'))).toBe(true);
    expect(findKeys(scan)).toEqual([]);
    await gw.restart();
  });
});

describe('hostile key strings (S6, S7)', () => {
  const chat = JSON.stringify(ask('local'));
  const raw = (headerLines: string[]) =>
    rawRequest(
      gw.port(),
      [
        'POST /v1/chat/completions HTTP/1.1',
        `Host: 127.0.0.1:${gw.port()}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(chat)}`,
        'Connection: close',
        ...headerLines,
        '',
        chat,
      ].join('\r\n'),
    );

  const keyRows = () => (gw.running().db.db.prepare('SELECT count(*) AS n FROM virtual_keys').get() as { n: number }).n;

  it.each([
    ['SQL tautology', "Bearer ' OR '1'='1"],
    ['SQL tautology without spaces', "Bearer 'OR'1'='1'--"],
    ['DROP TABLE', 'Bearer x"; DROP TABLE virtual_keys;--'],
    ['DROP TABLE without spaces', 'Bearer x";DROP/**/TABLE/**/virtual_keys;--'],
    ['a 10 KB key', `Bearer sk-${'A'.repeat(10 * 1024)}`],
    ['Latin-1 bytes', 'Bearer sk-clé-ünïcödé'],
    ['Basic credentials', `Basic ${Buffer.from(`admin:${MASTER_KEY}`).toString('base64')}`],
    ['an empty bearer', 'Bearer '],
    ['a wildcard', 'Bearer *'],
    ['a LIKE pattern', 'Bearer sk-%'],
  ])('answers %s with the same 401 and changes no row', async (_name, authorization) => {
    const before = keyRows();
    const response = await fetch(`${gw.url()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: chat,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_KEY_BODY);
    expect(keyRows()).toBe(before);
  });

  it.each([
    ['UTF-8 bytes in the key', ['Authorization: Bearer sk-ключ-🔑']],
    ['two Authorization headers (a valid key and a wrong one)', [`Authorization: Bearer ${MASTER_KEY}`, 'Authorization: Bearer sk-other']],
    ['an x-api-key disagreeing with Authorization', [`Authorization: Bearer ${MASTER_KEY}`, "x-api-key: ' OR 1=1 --"]],
    ['an SQL tautology in x-api-key', ["x-api-key: ' OR '1'='1"]],
  ])('answers %s with the same 401 and changes no row', async (_name, lines) => {
    const before = keyRows();
    const response = await raw(lines);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual(INVALID_KEY_BODY);
    expect(keyRows()).toBe(before);
  });

  it('refuses a key that shares all but its last character with a real one, with the real one just verified (S7)', async () => {
    const real = await generate({ key_alias: 'prefix-app' });
    await gw.openai(real.key).chat.completions.create(ask('local'));
    const last = real.key.at(-1)!;
    const forged = real.key.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const response = await fetch(`${gw.url()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
      body: chat,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALID_KEY_BODY);
    // And a prefix of the real key alone is no key either.
    const prefix = await fetch(`${gw.url()}/v1/models`, { headers: { authorization: `Bearer ${real.key.slice(0, 23)}` } });
    expect(prefix.status).toBe(401);
  });

  it('refuses a NUL byte in the key at the HTTP parser, before any lookup, and changes no row', async () => {
    const before = keyRows();
    const response = await raw(['Authorization: Bearer sk-a\u0000b']);
    expect(response.status).toBe(400);
    expect(response.body).not.toMatch(/sqlite|SQL|syntax/i);
    expect(keyRows()).toBe(before);
  });

  it('treats hostile key references in the management API as unknown keys, never as SQL', async () => {
    const before = keyRows();
    const info = await gw.api('GET', `/key/info?key=${encodeURIComponent("sk-' OR '1'='1")}`);
    expect(info.status).toBe(404);
    const deleted = await gw.api('POST', '/key/delete', { keys: ["key_' OR '1'='1", 'sk-x"; DROP TABLE virtual_keys;--'], key_aliases: ["' OR 1=1 --", '%'] });
    expect(deleted.status).toBe(200);
    expect(deleted.json.deleted_keys).toEqual([]);
    expect(deleted.json.not_found).toHaveLength(4);
    expect(JSON.stringify(deleted.json)).not.toContain('DROP TABLE');
    const blocked = await gw.api('POST', '/key/block', { key: "key_' OR '1'='1" });
    expect(blocked.status).toBe(404);
    expect(keyRows()).toBe(before);
    // And the keys still work.
    const list = await gw.api('GET', '/key/list');
    expect(list.json.total_count).toBe(before);
  });
});

describe('management API error cases, in OpenAI\'s error shape', () => {
  const expectError = (response: { status: number; json: any }, status: number, code: string, param: string | null) => {
    expect(response.status).toBe(status);
    expect(Object.keys(response.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(response.json.error).toMatchObject({ code, param, type: 'invalid_request_error' });
    expect(typeof response.json.error.message).toBe('string');
  };

  it.each([
    ['max_budget', { max_budget: 'ten dollars' }],
    ['max_budget', { max_budget: -1 }],
    ['rpm_limit', { rpm_limit: -1 }],
    ['tpm_limit', { tpm_limit: 1.5 }],
    ['max_parallel_requests', { max_parallel_requests: 'many' }],
    ['budget_duration', { budget_duration: '30 days' }],
    ['models', { models: 'cheap' }],
    ['models.0', { models: [42] }],
    ['key_alias', { key_alias: '' }],
    ['duration', { duration: 'forever' }],
    ['duration', { duration: '1h', expires: '2027-01-01T00:00:00Z' }],
    ['expires', { expires: 'next tuesday' }],
    ['metadata', { metadata: ['not', 'an', 'object'] }],
    ['blocked', { blocked: 'yes' }],
  ])('refuses /key/generate with a bad %s: 400 naming the field, and creates nothing', async (field, body) => {
    const before = gw.running().keys.list().total;
    const response = await gw.api('POST', '/key/generate', body);
    expectError(response, 400, 'invalid_request', field);
    expect(response.json.error.message).toContain(field);
    expect(gw.running().keys.list().total).toBe(before);
  });

  it('refuses a key_alias another key already has, on generate and on update', async () => {
    const first = await generate({ key_alias: 'calendar-app' });
    const taken = await gw.api('POST', '/key/generate', { key_alias: 'calendar-app' });
    expectError(taken, 400, 'invalid_request', 'key_alias');
    expect(taken.json.error.message).toContain('key_alias');
    const other = await generate({ key_alias: 'photos-app' });
    const renamed = await gw.api('POST', '/key/update', { key: other.id, key_alias: 'calendar-app' });
    expectError(renamed, 400, 'invalid_request', 'key_alias');
    expect((await gw.api('GET', `/key/info?key=${first.id}`)).json.info.key_alias).toBe('calendar-app');
    expect((await gw.api('GET', `/key/info?key=${other.id}`)).json.info.key_alias).toBe('photos-app');
  });

  it.each([
    ['POST', '/key/update', { key: 'key_doesnotexist', rpm_limit: 5 }],
    ['POST', '/key/block', { key: 'key_doesnotexist' }],
    ['POST', '/key/unblock', { key: 'key_doesnotexist' }],
    ['POST', '/key/regenerate', { key: 'key_doesnotexist' }],
    ['GET', '/key/info?key=key_doesnotexist', undefined],
  ] as const)('answers %s %s for an unknown key with 404', async (method, path, body) => {
    expectError(await gw.api(method, path, body), 404, 'not_found', method === 'GET' ? null : 'key');
  });

  it('names an unknown key given as a secret by its mask only', async () => {
    const secret = `sk-${'q'.repeat(39)}wxyz`;
    const response = await gw.api('POST', '/key/block', { key: secret });
    expectError(response, 404, 'not_found', 'key');
    expect(response.json.error.message).toContain('sk-...wxyz');
    expect(response.text).not.toContain(secret);
  });

  it.each([
    ['/key/update', { rpm_limit: 5 }, 'key'],
    ['/key/block', {}, 'key'],
    ['/key/delete', {}, 'keys'],
    ['/key/delete', { keys: 'key_abc' }, 'keys'],
    ['/key/delete', { key_aliases: [1] }, 'key_aliases.0'],
  ])('refuses POST %s with a missing or malformed field: 400 naming it', async (path, body, param) => {
    expectError(await gw.api('POST', path, body), 400, 'invalid_request', param);
  });

  it.each([
    ['a truncated object', '{"key_alias": '],
    ['a trailing comma', '{"key_alias": "x",}'],
    ['a bare word', 'hello'],
  ])('refuses a body that is not JSON (%s) with 400 invalid_json', async (_name, body) => {
    expectError(await gw.api('POST', '/key/generate', body), 400, 'invalid_json', null);
  });

  it('refuses a JSON body that is not an object with 400', async () => {
    expectError(await gw.api('POST', '/key/generate', '[1, 2]'), 400, 'invalid_request', null);
    expectError(await gw.api('POST', '/key/update', '"key_abc"'), 400, 'invalid_request', null);
  });

  it.each([
    ['/key/list?page=0', 'page'],
    ['/key/list?size=-5', 'size'],
    ['/spend/logs?page=zero', 'page'],
    ['/spend/logs?start_date=yesterday', 'start_date'],
    ['/usage/summary?group_by=organization', 'group_by'],
    ['/usage/summary?start=2026-03-02&end=2026-03-01', 'start'],
  ])('refuses GET %s with 400 naming %s', async (path, param) => {
    expectError(await gw.api('GET', path), 400, 'invalid_request', param);
  });
});

/** The SQLite file and its -wal, as bytes (latin1 strings, so any byte sequence can be searched). */
function readDatabaseBytes(dataDir: string): string[] {
  const file = join(dataDir, DATABASE_FILE);
  return [file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path).toString('latin1'));
}

/** Which issued keys or the admin key (or their distinctive random part) appear in the bytes. */
function findKeys(scan: string[]): string[] {
  expect(issuedKeys.length).toBeGreaterThan(3);
  return [...issuedKeys, MASTER_KEY].filter((key) => scan.some((bytes) => bytes.includes(key) || bytes.includes(key.slice(3, 23))));
}
