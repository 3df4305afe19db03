// The active-model switch under real traffic: a stream in flight finishes on its old target
// while the next request goes to the new one; 50 concurrent requests while the alias flips lose
// none; the choice survives a restart through the settings table of a real SQLite file.
// Loopback mock upstreams only; the slow stream is held by the test, not by a timer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVE_MODEL_ALIAS } from '../../../main/routing/active-model.js';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { buildOpenAIChunk, createMockUpstream, parseSseText, sseFrame, SSE_DONE_FRAME, type MockUpstream } from '../../support/mock-upstream.js';
import { callGateway, sendToGateway } from '../../support/send-to-gateway.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { silentLog } from '../../support/silent-log.js';

const MASTER = 'sk-master-active-fault-0123456789';
const HELLO = 'Hello, world!';

const open: { close(): Promise<void> }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function mock(): Promise<MockUpstream> {
  const m = await createMockUpstream();
  open.push(m);
  return m;
}

const yamlFor = (a: MockUpstream, b: MockUpstream) => `model_list:
  - model_name: model-a
    litellm_params: { model: openai/up-a, api_base: "${a.url}/v1" }
  - model_name: model-b
    litellm_params: { model: openai/up-b, api_base: "${b.url}/v1" }
`;

async function start(yaml: string, extra: Parameters<typeof startTestGateway>[1] = {}): Promise<TestGateway> {
  const gateway = await startTestGateway(yaml, { listen: true, masterKey: MASTER, ...extra });
  open.push(gateway);
  return gateway;
}

const switchTo = (g: TestGateway, model: string) => callGateway(g.port, '/active-model', { model }, { key: MASTER });

/** A raw upstream handler that streams one chunk, then waits for the test to release the rest. */
function heldStream() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const ctx = { id: 'chatcmpl-held', created: 1_717_200_000 };
  const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseFrame(buildOpenAIChunk(ctx, 'up-a', [{ index: 0, delta, logprobs: null, finish_reason: finish }]));
  return {
    release,
    behaviour: {
      kind: 'raw' as const,
      handler: (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frame({ role: 'assistant', content: 'old ' }));
        void released.then(() => res.end(frame({ content: 'target' }) + frame({}, 'stop') + SSE_DONE_FRAME));
      },
    },
  };
}

describe('active model under traffic', () => {
  it('lets a stream in flight finish on the old target while the next request goes to the new one', async () => {
    const a = await mock();
    const b = await mock();
    const g = await start(yamlFor(a, b));
    const held = heldStream();
    a.script(held.behaviour);

    const streaming = sendToGateway(g.port, '/v1/chat/completions', { model: ACTIVE_MODEL_ALIAS, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { key: MASTER });
    expect((await streaming.head).headers['x-litellm-model-group']).toBe('model-a');
    await streaming.waitFor((text) => text.includes('old '));

    const switched = await switchTo(g, 'model-b');
    expect(switched.status).toBe(200);
    expect((switched.json as { model: string }).model).toBe('model-b');

    const next = await callGateway(g.port, '/v1/chat/completions', { model: ACTIVE_MODEL_ALIAS, messages: [{ role: 'user', content: 'hi' }] }, { key: MASTER });
    expect(next.status).toBe(200);
    expect(next.headers['x-litellm-model-group']).toBe('model-b');
    expect(b.requests).toHaveLength(1);

    held.release();
    const events = parseSseText(await streaming.done);
    const content = events.map((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '').join('');
    expect(content).toBe('old target');
    expect(events.at(-1)).toBe('[DONE]');
    expect(a.requests).toHaveLength(1);
    expect((a.requests[0]?.json as { model: string }).model).toBe('up-a');
  });

  it('loses no request when the alias flips between two groups under 50 concurrent requests', async () => {
    const a = await mock();
    const b = await mock();
    const g = await start(yamlFor(a, b));
    const client = new OpenAI({ apiKey: MASTER, baseURL: `${g.url}/v1`, maxRetries: 0 });

    // Requests of earlier batches that reached an upstream count too: wait for one more.
    const seen = (m: MockUpstream) => m.requests.length;
    const requests: Promise<{ text: string; group: string | null }>[] = [];
    const switches: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      const streamed = i % 2 === 1;
      requests.push(
        (async () => {
          if (!streamed) {
            const { data, response } = await client.chat.completions.create({ model: ACTIVE_MODEL_ALIAS, messages: [{ role: 'user', content: `n${i}` }] }).withResponse();
            return { text: data.choices[0]?.message.content ?? '', group: response.headers.get('x-litellm-model-group') };
          }
          const { data: stream, response } = await client.chat.completions.create({ model: ACTIVE_MODEL_ALIAS, stream: true, messages: [{ role: 'user', content: `n${i}` }] }).withResponse();
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
          return { text, group: response.headers.get('x-litellm-model-group') };
        })(),
      );
      if (i % 5 === 4) {
        // Switch while this batch is in flight, once at least one of its requests has reached
        // the current target (so both groups really serve traffic); the others race the switch.
        const batch = Math.floor(i / 5);
        const current = batch % 2 === 0 ? a : b;
        await current.waitForRequests(seen(current) + 1);
        switches.push(switchTo(g, batch % 2 === 0 ? 'model-b' : 'model-a'));
        await switches.at(-1);
      }
    }
    const results = await Promise.all(requests);
    const switchResults = (await Promise.all(switches)) as { status: number }[];

    expect(switchResults.every((r) => r.status === 200)).toBe(true);
    expect(results.map((r) => r.text)).toEqual(Array(50).fill(HELLO));
    const toA = results.filter((r) => r.group === 'model-a').length;
    const toB = results.filter((r) => r.group === 'model-b').length;
    expect(toA + toB).toBe(50);
    // Every answer came from the upstream its header names, and each upstream saw exactly those.
    expect(a.requests).toHaveLength(toA);
    expect(b.requests).toHaveLength(toB);
    expect(toA).toBeGreaterThan(0);
    expect(toB).toBeGreaterThan(0);
  });

  it('keeps the active model across a restart through the settings table', async () => {
    const a = await mock();
    const b = await mock();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-active-fault-'));
    dirs.push(dir);
    const file = join(dir, 'switchboard.db');

    const firstDb = openDatabase({ file, log: silentLog });
    const first = await start(yamlFor(a, b), { settingsRepository: createSettingsRepository(firstDb.db) });
    expect((await switchTo(first, 'model-b')).status).toBe(200);
    await first.close();
    open.splice(open.indexOf(first), 1);
    firstDb.db.close();

    const secondDb = openDatabase({ file, log: silentLog });
    try {
      const second = await start(yamlFor(a, b), { settingsRepository: createSettingsRepository(secondDb.db) });
      const state = await callGateway(second.port, '/active-model', undefined, { key: MASTER });
      expect((state.json as { model: string }).model).toBe('model-b');
      const res = await callGateway(second.port, '/v1/chat/completions', { model: ACTIVE_MODEL_ALIAS, messages: [{ role: 'user', content: 'hi' }] }, { key: MASTER });
      expect(res.headers['x-litellm-model-group']).toBe('model-b');
      expect(b.requests).toHaveLength(1);
      expect(a.requests).toHaveLength(0);
      await second.close();
      open.splice(open.indexOf(second), 1);
    } finally {
      secondDb.db.close();
    }
  });
});
