// Body logging through the real HTTP path (startGateway, the openai SDK, the management API):
// off by default, nothing of a prompt reaches the database; switched on with POST /settings, the
// next request's /spend/logs row carries its request and response bodies (JSON and stream),
// redacted and capped; switched off again, the next request carries none. Every secret the
// gateway holds is masked as an exact string, whatever its shape: provider keys from the config,
// the environment or the keychain (echoed by an upstream), the admin key, the caller's own key.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LOGGED_BODY_CHARS, TRUNCATED_MARKER } from '../../main/metering/body-capture.js';
import { REDACTED } from '../../main/metering/redact-secrets.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import { DATABASE_FILE } from '../../main/start-gateway.js';
import { echoedKeyText, echoUpstreamKey } from '../support/echo-upstream-key.js';
import { MASTER_KEY, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

const MINUTE = 60_000;
const SENTINEL = 'zebra-sentinel-prompt-7f3a91';
const ANSWER = 'The ledger balances.';

let gw: MeteredGateway;

beforeAll(async () => {
  gw = await startMeteredGateway();
});
afterAll(async () => {
  await gw?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok', chunks: ['The ', 'ledger ', 'balances.'] });
  gw.clock.advance(MINUTE);
});

async function setBodyLogging(on: boolean, target = gw): Promise<void> {
  const response = await target.api('POST', '/settings', { body_logging: on });
  expect(response.status).toBe(200);
  expect(response.json.body_logging).toBe(on);
}

async function ask(content: string, stream: boolean): Promise<string> {
  const client = gw.openai(MASTER_KEY);
  const messages = [{ role: 'user' as const, content }];
  if (stream) {
    const { data, response } = await client.chat.completions.create({ model: 'cheap', messages, stream: true }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(ANSWER);
    return response.headers.get('x-request-id')!;
  }
  const { data, response } = await client.chat.completions.create({ model: 'cheap', messages }).withResponse();
  expect(data.choices[0]?.message.content).toBe(ANSWER);
  return response.headers.get('x-request-id')!;
}

type LoggedRow = { request_id: string; request_body: string | null; response_body: string | null };

async function logRow(requestId: string, target = gw): Promise<LoggedRow> {
  const page = await target.api('GET', '/spend/logs?page_size=1000');
  expect(page.status).toBe(200);
  const row = (page.json.data as LoggedRow[]).find((r) => r.request_id === requestId);
  expect(row, `the /spend/logs row of ${requestId}`).toBeDefined();
  return row!;
}

/** The bytes of the database file and its -wal, as latin1 text (S8 scan). */
function databaseBytes(target = gw): string {
  const running = target.running();
  running.usage.flush();
  const base = join(target.dataDir, DATABASE_FILE);
  return [base, `${base}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');
}

describe('body logging', () => {
  it.each([false, true])('is off by default: a request (stream %s) leaves both bodies null and its prompt nowhere in the database', async (stream) => {
    expect((await gw.api('GET', '/settings')).json.body_logging).toBe(false);
    const id = await ask(`${SENTINEL} ${stream}`, stream);
    expect(await logRow(id)).toMatchObject({ request_body: null, response_body: null });
    expect(databaseBytes()).not.toContain(SENTINEL);
  });

  it('switched on live, stores the next JSON request body and the JSON answer sent', async () => {
    await setBodyLogging(true);
    try {
      const id = await ask('What does the ledger say?', false);
      const row = await logRow(id);
      expect(JSON.parse(row.request_body!)).toMatchObject({ model: 'cheap', messages: [{ role: 'user', content: 'What does the ledger say?' }] });
      expect(JSON.parse(row.response_body!)).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: ANSWER } }] });
    } finally {
      await setBodyLogging(false);
    }
  });

  it('switched on live, stores a streamed answer as the text that was generated', async () => {
    await setBodyLogging(true);
    try {
      const id = await ask('Stream the ledger.', true);
      const row = await logRow(id);
      expect(JSON.parse(row.request_body!)).toMatchObject({ stream: true, messages: [{ content: 'Stream the ledger.' }] });
      expect(row.response_body).toBe(ANSWER);
    } finally {
      await setBodyLogging(false);
    }
  });

  it('switched off again, the next request stores no bodies', async () => {
    await setBodyLogging(true);
    const logged = await ask('logged', false);
    await setBodyLogging(false);
    const unlogged = await ask(`${SENTINEL} after`, true);
    expect((await logRow(logged)).request_body).not.toBeNull();
    expect(await logRow(unlogged)).toMatchObject({ request_body: null, response_body: null });
    expect(databaseBytes()).not.toContain(`${SENTINEL} after`);
  });

  it('masks key-like strings and the master key in a logged prompt', async () => {
    await setBodyLogging(true);
    try {
      const leaked = 'sk-proj-AAAAbbbbCCCCdddd1234567890';
      const id = await ask(`my keys: ${leaked} and ${MASTER_KEY}`, false);
      const row = await logRow(id);
      expect(row.request_body).not.toContain(leaked);
      expect(row.request_body).not.toContain(MASTER_KEY);
      expect(JSON.parse(row.request_body!).messages[0].content).toBe(`my keys: ${REDACTED} and ${REDACTED}`);
      expect(databaseBytes()).not.toContain(leaked);
    } finally {
      await setBodyLogging(false);
    }
  });

  it('caps a large request body at 64 KiB with a visible marker', async () => {
    await setBodyLogging(true);
    try {
      const id = await ask('x'.repeat(MAX_LOGGED_BODY_CHARS * 2), true);
      const row = await logRow(id);
      expect(row.request_body).toHaveLength(MAX_LOGGED_BODY_CHARS + TRUNCATED_MARKER.length);
      expect(row.request_body!.endsWith(TRUNCATED_MARKER)).toBe(true);
      expect(row.response_body).toBe(ANSWER);
    } finally {
      await setBodyLogging(false);
    }
  });
});

describe('body logging masks every secret the gateway holds (S41)', () => {
  // None of them is key-shaped (no sk-, no Bearer): only exact-string masking can catch them.
  const LITERAL_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'; // Azure OpenAI keys are 32 hex characters
  const ENV_KEY = 'envtoken.7f3a9c2b1d4e5f60a1b2';
  const KEYCHAIN_KEY = 'kc.9b8a7c6d5e4f3a2b1c0d';
  const store = createMemorySecretStore();
  let echo: MeteredGateway;

  beforeAll(async () => {
    echo = await startMeteredGateway({
      env: { ECHO_UPSTREAM_KEY: ENV_KEY },
      secrets: store,
      models: (mockUrl) => `model_list:
  - model_name: echo-literal
    litellm_params: { model: openai/echo, api_base: "${mockUrl}/v1", api_key: "${LITERAL_KEY}" }
  - model_name: echo-env
    litellm_params: { model: openai/echo, api_base: "${mockUrl}/v1", api_key: os.environ/ECHO_UPSTREAM_KEY }
  - model_name: echo-keychain
    litellm_params: { model: openai/echo, api_base: "${mockUrl}/v1", api_key: keychain/echo-upstream }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
    });
    echo.mock.setDefault(echoUpstreamKey());
    // Added to the keychain after the start (as secret-tool would): masked from its first read on.
    await store.set('echo-upstream', KEYCHAIN_KEY);
    await setBodyLogging(true, echo);
  });
  afterAll(async () => {
    await echo?.close();
  });

  async function chat(model: string, stream: boolean, content = 'Who are you?', key = MASTER_KEY): Promise<{ id: string; text: string }> {
    const client = echo.openai(key);
    const messages = [{ role: 'user' as const, content }];
    if (stream) {
      const { data, response } = await client.chat.completions.create({ model, messages, stream: true }).withResponse();
      let text = '';
      for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? '';
      return { id: response.headers.get('x-request-id')!, text };
    }
    const { data, response } = await client.chat.completions.create({ model, messages }).withResponse();
    return { id: response.headers.get('x-request-id')!, text: data.choices[0]?.message.content ?? '' };
  }

  it.each([
    ['a literal key from the config', false, 'echo-literal', LITERAL_KEY],
    ['a literal key from the config', true, 'echo-literal', LITERAL_KEY],
    ['an os.environ/ key', false, 'echo-env', ENV_KEY],
    ['an os.environ/ key', true, 'echo-env', ENV_KEY],
    ['a keychain/ key read after the start', false, 'echo-keychain', KEYCHAIN_KEY],
    ['a keychain/ key read after the start', true, 'echo-keychain', KEYCHAIN_KEY],
  ])('stores %s that the upstream echoes (stream %s) only as a mask', async (_what, stream, model, key) => {
    const { id, text } = await chat(model, stream);
    expect(text).toBe(echoedKeyText(key)); // the client got what the upstream said...
    const row = await logRow(id, echo);
    expect(row.response_body).toContain(echoedKeyText(REDACTED)); // ...the log did not
    expect(row.response_body).not.toContain(key);
    const page = await echo.api('GET', '/spend/logs?page_size=1000');
    expect(page.text).not.toContain(key);
    expect(databaseBytes(echo)).not.toContain(key);
  });

  it('masks configured provider keys in a prompt before any request has used them', async () => {
    const { id } = await chat('echo-keychain', false, `keys: ${LITERAL_KEY} ${ENV_KEY}`);
    const row = await logRow(id, echo);
    expect(JSON.parse(row.request_body!).messages[0].content).toBe(`keys: ${REDACTED} ${REDACTED}`);
    expect(databaseBytes(echo)).not.toContain(ENV_KEY);
  });

  it('masks the virtual key the request was made with, wherever it stands in the body', async () => {
    const created = await echo.api('POST', '/key/generate', { key_alias: 'echo-app' });
    expect(created.status).toBe(200);
    const virtualKey = created.json.key as string;
    // Glued to a word, the key-shape pattern (\bsk-...) does not see it; the exact string does.
    const { id } = await chat('echo-literal', true, `token${virtualKey}`, virtualKey);
    const row = await logRow(id, echo);
    expect(JSON.parse(row.request_body!).messages[0].content).toBe(`token${REDACTED}`);
    expect((await echo.api('GET', '/spend/logs?page_size=1000')).text).not.toContain(virtualKey);
    expect(databaseBytes(echo)).not.toContain(virtualKey);
  });
});
