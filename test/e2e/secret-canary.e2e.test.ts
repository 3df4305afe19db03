// Secret canary (checklist S8, S9, S33): a real gateway (startGateway, temp data dir, every log
// line captured at trace level, no redaction) with sentinel keys — provider keys from the OS
// keychain, from os.environ, added through POST /credentials and written in plaintext in the
// config; the admin key; generated virtual keys; a stranger's key — driven through success paths
// and every error path we know leaks keys elsewhere (upstream 401/400/429/500 bodies and headers
// that echo the key, a redirect carrying it, malformed JSON and SSE, in-band stream errors, budget
// exceeded, unreachable upstream, Gemini's `?key=` URL in an error, HTTP the parser refuses with
// the key in its headers). Then it searches every log line (Buffers logged as byte arrays decoded
// too), every response body and header, the SQLite file and its -wal (before and after close)
// and the data directory for every sentinel: zero hits.
import Anthropic from '@anthropic-ai/sdk';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMockUpstream, type Behaviour, type MockUpstream } from '../support/mock-upstream.js';
import { refusedPort } from '../support/refused-port.js';
import { rawRequest } from '../support/raw-http.js';
import { DATABASE_FILE, startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import type { SecretStore } from '../../main/secrets/secret-store.js';
import { assertKeychainReady, keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const RUN = randomBytes(8).toString('hex');
const SENTINELS = {
  providerKeychain: `sk-CANARY-PROVIDER-${RUN}-keychain`,
  providerEnv: `sk-CANARY-PROVIDER-${RUN}-environ`,
  providerApi: `sk-CANARY-PROVIDER-${RUN}-api`,
  providerLiteral: `sk-CANARY-PROVIDER-${RUN}-literal`,
  master: `sk-CANARY-MASTER-${RUN}`,
  stranger: `sk-CANARY-STRANGER-${RUN}`,
} as const;
// Names the responses may legitimately show (env var, keychain service) carry no sentinel text.
const ENV = { PROVIDER_KEY_FROM_ENV: SENTINELS.providerEnv };

// With the private keyring of `npm test` the keychain sentinels go through the real Secret
// Service; elsewhere through the in-memory store (and in CI a missing keychain fails the run).
const kc = keychainTestEnv();
const KEYCHAIN_SERVICE = 'Switchboard-canary';

interface Recorded {
  what: string;
  status: number;
  headers: string;
  body: Promise<string>;
}
const responses: Recorded[] = [];
const generated: { key: string; response: Recorded }[] = [];

/** fetch for every client in this file: records each response's headers and full body. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const copy = response.clone();
  responses.push({
    what: `${init?.method ?? 'GET'} ${new URL(url).pathname}`,
    status: response.status,
    headers: [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n'),
    body: copy.text().catch((error: unknown) => `<body not readable: ${String(error)}>`),
  });
  return response;
};

let work: string;
let dataDir: string;
let mock: MockUpstream;
let running: RunningGateway;
let store: SecretStore;
const logLines: string[] = [];
let client: OpenAI;
let dbBytesOpen: Buffer[] = [];
let upstreamMark = 0;

async function api(method: string, path: string, body?: unknown, key: string = SENTINELS.master): Promise<{ status: number; json: any }> {
  const response = await recordingFetch(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** The key the upstream was sent, from whichever header the provider uses. */
function presentedKey(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') return auth.replace(/^Bearer /, '');
  return String(req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? req.headers['api-key'] ?? '(none)');
}

/** An upstream that echoes the key it was sent, in its body and in a header, as some do. */
function echoKey(status: number, shape: 'openai' | 'gemini' | 'anthropic' | 'html'): Behaviour {
  return {
    kind: 'raw',
    handler(req: IncomingMessage, res: ServerResponse) {
      const key = presentedKey(req);
      const body =
        shape === 'openai' ? JSON.stringify({ error: { message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
        : shape === 'gemini' ? JSON.stringify({ error: { code: 400, message: `API key not valid. Please pass a valid API key. URL: https://generativelanguage.googleapis.com${req.url}?key=${key}`, status: 'INVALID_ARGUMENT' } })
        : shape === 'anthropic' ? JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } })
        : `<html><body><h1>500</h1><pre>Authorization: Bearer ${key}</pre></body></html>`;
      res.writeHead(status, {
        'content-type': shape === 'html' ? 'text/html' : 'application/json',
        'www-authenticate': `Bearer realm="upstream", error="invalid_token", key="${key}"`,
        'x-echo-key': key,
        ...(status === 429 ? { 'retry-after': '0' } : {}),
      });
      res.end(body);
    },
  };
}

/** A 200 answer whose headers echo the key (a debugging proxy in front of a provider). */
const okButHeadersEchoKey: Behaviour = {
  kind: 'raw',
  handler(req: IncomingMessage, res: ServerResponse) {
    const key = presentedKey(req);
    res.writeHead(200, { 'content-type': 'application/json', 'x-echo-key': key, 'set-cookie': `session=${key}` });
    res.end(JSON.stringify({
      id: 'chatcmpl-echo', object: 'chat.completion', created: 1, model: 'up',
      choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }));
  },
};

/** Malformed: a JSON body cut short right after the key, or an SSE line that is not JSON. */
function malformed(stream: boolean): Behaviour {
  return {
    kind: 'raw',
    handler(req: IncomingMessage, res: ServerResponse) {
      const key = presentedKey(req);
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"id":"chatcmpl-bad","debug":"${key}","choices":[{"index":0,`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"up","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}\n\n');
      res.end(`data: {"oops": ${key}\n\n`);
    },
  };
}

beforeAll(async () => {
  if (kc.run) assertKeychainReady(kc);
  store = kc.ready ? createKeytarSecretStore({ service: KEYCHAIN_SERVICE }) : createMemorySecretStore();
  await store.set('canary-keychain', SENTINELS.providerKeychain);

  work = mkdtempSync(join(tmpdir(), 'switchboard-canary-'));
  dataDir = join(work, 'data');
  mkdirSync(dataDir);
  mock = await createMockUpstream();
  const dead = await refusedPort();
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, `model_list:
  - model_name: kc
    litellm_params: { model: openai/up-kc, api_base: "${mock.url}/v1", api_key: keychain/canary-keychain }
  - model_name: env
    litellm_params: { model: openai/up-env, api_base: "${mock.url}/v1", api_key: os.environ/PROVIDER_KEY_FROM_ENV }
  - model_name: literal
    litellm_params: { model: openai/up-lit, api_base: "${mock.url}/v1", api_key: "${SENTINELS.providerLiteral}" }
  - model_name: priced
    litellm_params: { model: openai/up-priced, api_base: "${mock.url}/v1", api_key: keychain/canary-keychain }
    model_info: { input_cost_per_token: 0.01, output_cost_per_token: 0.02 }
  - model_name: dead
    litellm_params: { model: openai/up-dead, api_base: "http://127.0.0.1:${dead}/v1", api_key: keychain/canary-keychain }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${mock.url}", api_key: os.environ/PROVIDER_KEY_FROM_ENV }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4, api_base: "${mock.url}", api_key: keychain/canary-keychain }
router_settings: { num_retries: 0, cooldown_time: 0 }
`);
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  // trace, and no redaction: the canary checks what the code logs, not what a filter hides.
  const log = pino({ level: 'trace' }, sink);
  running = await startGateway({ configFile, dataDir, host: '127.0.0.1', port: 0, masterKey: SENTINELS.master, env: ENV, log, secrets: store, dashboardDir: null });
  client = new OpenAI({ apiKey: SENTINELS.master, baseURL: `${running.url}/v1`, maxRetries: 0, fetch: recordingFetch });
});

afterAll(async () => {
  await running?.close();
  await mock?.close();
  if (kc.ready) for (const name of ['canary-keychain', 'canary-api']) await store.delete(name).catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  upstreamMark = mock.requests.length;
});

/** The keys the upstream received during this test, proving the sentinel really travelled. */
const upstreamKeys = () => mock.requests.slice(upstreamMark).map((r) => r.headers.authorization ?? r.headers['x-api-key'] ?? r.headers['x-goog-api-key']);

const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user' as const, content: 'hello' }], ...extra });

async function expectApiError(promise: Promise<unknown>, status: number): Promise<Error> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call should have failed').toBeInstanceOf(Error);
  if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) expect(error.status).toBe(status);
  return error as Error;
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _chunk of stream) {
      // read to the end (or the error event)
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('secret canary (S8, S9)', () => {
  describe('success paths', () => {
    it('serves chats with the keychain, environment and plaintext-config keys (non-stream and stream)', async () => {
      for (const model of ['kc', 'env', 'literal']) {
        expect((await client.chat.completions.create(chat(model))).choices[0]?.message.content).toBe('Hello, world!');
        const stream = await client.chat.completions.create({ ...chat(model), stream: true, stream_options: { include_usage: true } });
        expect(await drain(stream)).toBeUndefined();
      }
      expect(upstreamKeys()).toEqual([
        `Bearer ${SENTINELS.providerKeychain}`, `Bearer ${SENTINELS.providerKeychain}`,
        `Bearer ${SENTINELS.providerEnv}`, `Bearer ${SENTINELS.providerEnv}`,
        `Bearer ${SENTINELS.providerLiteral}`, `Bearer ${SENTINELS.providerLiteral}`,
      ]);
    });

    it('adds a provider key through POST /credentials, a model through /model/new that references it, and chats with it', async () => {
      const saved = await api('POST', '/credentials', { name: 'canary-api', value: SENTINELS.providerApi });
      expect(saved.status).toBe(201);
      expect(saved.json.mask).toBe(`sk-...${SENTINELS.providerApi.slice(-4)}`);
      const added = await api('POST', '/model/new', { model_name: 'api', litellm_params: { model: 'openai/up-api', api_base: `${mock.url}/v1`, api_key: 'keychain/canary-api' } });
      expect(added.status).toBeLessThan(300);
      expect((await client.chat.completions.create(chat('api'))).choices[0]?.message.content).toBe('Hello, world!');
      // Every request for up-api (the chat, and any probe /model/new sends so the active alias can
      // follow a working model) carries the key saved through the API; other models keep their own.
      const toApiModel = mock.requests.slice(upstreamMark).filter((r) => JSON.stringify(r.json ?? {}).includes('"up-api"'));
      expect(toApiModel.length).toBeGreaterThan(0);
      expect(new Set(toApiModel.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${SENTINELS.providerApi}`]));
      for (const path of ['/credentials', '/credentials/canary-api', '/model/info', '/v2/model/info', '/v1/models', '/health/readiness', '/settings']) {
        expect((await api('GET', path)).status, path).toBe(200);
      }
    });

    it('refuses a literal key through /model/new without echoing it', async () => {
      const refused = await api('POST', '/model/new', { model_name: 'leaky', litellm_params: { model: 'openai/x', api_base: `${mock.url}/v1`, api_key: SENTINELS.providerLiteral } });
      expect(refused.status).toBe(400);
    });

    it('serves a virtual key, and the Anthropic-compatible endpoint', async () => {
      const created = await api('POST', '/key/generate', { key_alias: 'canary-app' });
      expect(created.status).toBe(200);
      generated.push({ key: created.json.key, response: responses.at(-1)! });
      const app = new OpenAI({ apiKey: created.json.key, baseURL: `${running.url}/v1`, maxRetries: 0, fetch: recordingFetch });
      expect((await app.chat.completions.create(chat('kc'))).choices[0]?.message.content).toBe('Hello, world!');
      const anthropic = new Anthropic({ apiKey: created.json.key, baseURL: running.url, maxRetries: 0, fetch: recordingFetch });
      const message = await anthropic.messages.create({ model: 'kc', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] });
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
      // The export and the backup carry key references and key hashes only: never a key.
      for (const path of ['/key/list', `/key/info?key=${encodeURIComponent(created.json.key)}`, '/spend/logs', '/usage/summary', '/model/export', '/backup']) {
        expect((await api('GET', path)).status, path).toBe(200);
      }
    });

    it('relays a 200 whose headers echo the key without passing those headers on', async () => {
      mock.script(okButHeadersEchoKey);
      expect((await client.chat.completions.create(chat('kc'))).choices[0]?.message.content).toBe('fine');
      expect(upstreamKeys()).toEqual([`Bearer ${SENTINELS.providerKeychain}`]);
    });
  });

  describe('error paths', () => {
    it.each([
      ['kc', 'keychain'],
      ['env', 'os.environ'],
      ['literal', 'plaintext config'],
    ])('upstream 401 echoing the %s key (%s) in body and headers, non-stream and stream', async (model) => {
      mock.script([echoKey(401, 'openai'), echoKey(401, 'openai')]);
      await expectApiError(client.chat.completions.create(chat(model)), 502);
      await expectApiError(client.chat.completions.create(chat(model, { stream: true })), 502);
      expect(upstreamKeys()).toHaveLength(2);
    });

    it('upstream 429 and 500 (HTML) echoing the key', async () => {
      mock.script([echoKey(429, 'openai'), echoKey(500, 'html')]);
      await expectApiError(client.chat.completions.create(chat('kc')), 429);
      await expectApiError(client.chat.completions.create(chat('env')), 502);
      expect(upstreamKeys()).toEqual([`Bearer ${SENTINELS.providerKeychain}`, `Bearer ${SENTINELS.providerEnv}`]);
    });

    it('an upstream redirect whose Location carries the key', async () => {
      mock.script({ kind: 'redirect-to', url: `http://127.0.0.1:9/steal?key=${SENTINELS.providerKeychain}&api_key=${SENTINELS.providerKeychain}`, status: 307 });
      await expectApiError(client.chat.completions.create(chat('kc')), 502);
      expect(upstreamKeys()).toEqual([`Bearer ${SENTINELS.providerKeychain}`]);
    });

    it('malformed JSON and malformed SSE that contain the key', async () => {
      mock.script([malformed(false), malformed(true)]);
      await expectApiError(client.chat.completions.create(chat('kc')), 502);
      const stream = await client.chat.completions.create({ ...chat('env'), stream: true });
      expect(await drain(stream)).toBeInstanceOf(Error);
      expect(upstreamKeys()).toEqual([`Bearer ${SENTINELS.providerKeychain}`, `Bearer ${SENTINELS.providerEnv}`]);
    });

    it('an in-band stream error that quotes the key', async () => {
      mock.script({ kind: 'in-band-error', message: `upstream rejected key ${SENTINELS.providerKeychain}` });
      const stream = await client.chat.completions.create({ ...chat('kc'), stream: true });
      expect(await drain(stream)).toBeInstanceOf(Error);
    });

    it("Gemini's error quoting a ?key= URL, and Anthropic's quoting x-api-key", async () => {
      mock.script([echoKey(400, 'gemini'), echoKey(401, 'anthropic')]);
      await expectApiError(client.chat.completions.create(chat('gemini')), 400);
      await expectApiError(client.chat.completions.create(chat('claude')), 502);
      expect(upstreamKeys()).toEqual([SENTINELS.providerEnv, SENTINELS.providerKeychain]);
    });

    it('the Anthropic-compatible endpoint when the upstream echoes the key', async () => {
      mock.script(echoKey(401, 'openai'));
      const anthropic = new Anthropic({ apiKey: SENTINELS.master, baseURL: running.url, maxRetries: 0, fetch: recordingFetch });
      await expectApiError(anthropic.messages.create({ model: 'kc', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }), 502);
    });

    it('an unreachable upstream', async () => {
      await expectApiError(client.chat.completions.create(chat('dead')), 502);
    });

    it('budget exceeded for a virtual key with a tiny budget on a priced model', async () => {
      const created = await api('POST', '/key/generate', { key_alias: 'canary-budget', max_budget: 0.000001 });
      generated.push({ key: created.json.key, response: responses.at(-1)! });
      const app = new OpenAI({ apiKey: created.json.key, baseURL: `${running.url}/v1`, maxRetries: 0, fetch: recordingFetch });
      const error = await expectApiError(app.chat.completions.create(chat('priced', { max_tokens: 100 })), 429);
      expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
      expect(upstreamKeys()).toEqual([]);
    });

    it('a stranger presenting a wrong key, and a virtual key on an admin route', async () => {
      const stranger = new OpenAI({ apiKey: SENTINELS.stranger, baseURL: `${running.url}/v1`, maxRetries: 0, fetch: recordingFetch });
      await expectApiError(stranger.chat.completions.create(chat('kc')), 401);
      expect((await api('GET', '/credentials', undefined, SENTINELS.stranger)).status).toBe(401);
      expect((await api('POST', '/credentials', { name: 'x', value: SENTINELS.providerApi }, generated[0]!.key)).status).toBe(403);
    });

    const BAD_JSON = `{"model": "kc", "api_key": "${SENTINELS.providerKeychain}", "messages": [`;
    // S41: the parser's client-error path sees the raw bytes, Authorization header included.
    it.each([
      ['a bad request line', () => `GARBAGE /v1/models HTTP/1.1\r\nAuthorization: Bearer ${SENTINELS.master}\r\n\r\n`, 400],
      ['a header over 16 KiB', () => `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nAuthorization: Bearer ${SENTINELS.master}\r\nX-Pad: ${'p'.repeat(17_000)}\r\n\r\n`, 431],
      ['an invalid header name', () => `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nAuthorization: Bearer ${SENTINELS.master}\r\nBad Header: ${SENTINELS.providerKeychain}\r\n\r\n`, 400],
      ['a broken chunked body', () => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nAuthorization: Bearer ${SENTINELS.master}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{"api_key":"${SENTINELS.providerKeychain}"}\r\n0\r\n\r\n`, 400],
      ['bad JSON with the key in a header', () => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nAuthorization: Bearer ${SENTINELS.master}\r\nx-api-key: ${SENTINELS.master}\r\nContent-Type: application/json\r\nContent-Length: ${BAD_JSON.length}\r\nConnection: close\r\n\r\n${BAD_JSON}`, 400],
    ] as const)('HTTP the parser refuses, carrying the admin key: %s', async (what, text, status) => {
      const res = await rawRequest(running.port, text());
      responses.push({ what: `raw: ${what}`, status: res.status, headers: res.head, body: Promise.resolve(res.body) });
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body).error.code).toEqual(expect.any(String));
    });

    it('health probes against an upstream that echoes the key', async () => {
      mock.setDefault(echoKey(401, 'openai'));
      try {
        expect((await api('GET', '/health')).status).toBe(200);
        expect((await api('POST', '/model/test', { model: 'kc' })).status).toBeLessThan(500);
      } finally {
        mock.setDefault({ kind: 'ok' });
      }
    });
  });

  describe('the search', () => {
    const secrets = (): Array<[string, string]> => [
      ...Object.entries(SENTINELS),
      ['the run id shared by every sentinel', RUN],
      ['the canary marker', 'CANARY'],
    ];

    function hits(haystack: Buffer | string, skip: ReadonlySet<string> = new Set()): string[] {
      const bytes = typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : haystack;
      const all: Array<[string, string]> = [...secrets(), ...generated.map((g, i): [string, string] => [`virtual key #${i}`, g.key])];
      return all.filter(([name, value]) => !skip.has(name) && bytes.includes(Buffer.from(value, 'utf8'))).map(([name]) => name);
    }

    it('sent the upstream nothing of the client: no admin, stranger or virtual key', () => {
      const sent = mock.requests.map((r) => `${r.path}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
      for (const value of [SENTINELS.master, SENTINELS.stranger, ...generated.map((g) => g.key)]) expect(sent).not.toContain(value);
    });

    it('finds no secret in any response body or header returned to a client', async () => {
      expect(responses.length).toBeGreaterThan(40);
      const found: string[] = [];
      for (const response of responses) {
        const ownGenerate = generated.findIndex((g) => g.response === response);
        // The one response that creates a virtual key shows it, once, by design.
        const skip = new Set(ownGenerate === -1 ? [] : [`virtual key #${ownGenerate}`]);
        for (const name of hits(`${response.headers}\n\n${await response.body}`, skip)) found.push(`${response.what} (${response.status}): ${name}`);
      }
      expect(found).toEqual([]);
    });

    it('finds no secret in the captured log output, including Buffers logged as byte arrays', () => {
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.flatMap((line, i) => hits(`${line}\n${decodedBuffers(line)}`).map((name) => `log line ${i}: ${name}`))).toEqual([]);
    });

    it('finds no secret in the config warnings (the plaintext one is reported by line only)', () => {
      expect(running.config.warnings.some((w) => /config\.yaml:\d+: .*plaintext/.test(w))).toBe(true);
      expect(hits(running.config.warnings.join('\n'))).toEqual([]);
    });

    it('finds no secret in the SQLite file or its -wal, before and after closing, nor anywhere in the data directory', async () => {
      running.usage.flush();
      const db = join(dataDir, DATABASE_FILE);
      dbBytesOpen = [readFileSync(db), ...(existsSync(`${db}-wal`) ? [readFileSync(`${db}-wal`)] : [])];
      expect(dbBytesOpen[0]!.length).toBeGreaterThan(0);
      // The usage rows are there (the search is over real data), just without secrets.
      expect(dbBytesOpen.some((bytes) => bytes.includes(Buffer.from('canary-app')))).toBe(true);
      expect(dbBytesOpen.flatMap((bytes, i) => hits(bytes).map((name) => `${i === 0 ? 'db' : 'wal'} (open): ${name}`))).toEqual([]);

      await running.close();
      const found: string[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else for (const name of hits(readFileSync(path))) found.push(`${path}: ${name}`);
        }
      };
      walk(dataDir);
      expect(found).toEqual([]);
      expect(readdirSync(dataDir)).toContain(DATABASE_FILE);
    });
  });
});

/** pino writes a Buffer as {"type":"Buffer","data":[…]}: the text those bytes spell, for the search. */
function decodedBuffers(line: string): string {
  return [...line.matchAll(/"type":"Buffer","data":\[([\d,]*)\]/g)].map((match) => Buffer.from(match[1]!.split(',').filter(Boolean).map(Number)).toString('latin1')).join('\n');
}
