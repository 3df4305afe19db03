// Body logging through the real HTTP path (startGateway, the openai SDK, the management API):
// off by default, nothing of a prompt reaches the database; switched on with POST /settings, the
// next request's /spend/logs row carries its request and response bodies (JSON and stream),
// redacted and capped; switched off again, the next request carries none.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LOGGED_BODY_CHARS, TRUNCATED_MARKER } from '../../main/metering/body-capture.js';
import { REDACTED } from '../../main/metering/redact-secrets.js';
import { DATABASE_FILE } from '../../main/start-gateway.js';
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

async function setBodyLogging(on: boolean): Promise<void> {
  const response = await gw.api('POST', '/settings', { body_logging: on });
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

async function logRow(requestId: string): Promise<{ request_body: string | null; response_body: string | null }> {
  const page = await gw.api('GET', '/spend/logs?page_size=1000');
  expect(page.status).toBe(200);
  const row = (page.json.data as { request_id: string; request_body: string | null; response_body: string | null }[]).find((r) => r.request_id === requestId);
  expect(row, `the /spend/logs row of ${requestId}`).toBeDefined();
  return row!;
}

function databaseBytes(): string {
  const running = gw.running();
  running.usage.flush();
  const base = join(gw.dataDir, DATABASE_FILE);
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
