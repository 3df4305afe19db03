// An upstream answering 200 text/html (a captive portal, a wrong api_base pointing at a web UI)
// has not answered the API call (issue 11 item 15, checklist S21): before the first byte reaches
// the client it is an upstream error like any other, so the request moves on to the next
// deployment or fallback group, and the page counts against the deployment that sent it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Behaviour } from '../../support/mock-upstream.js';
import { chatBody, FAULT_UPSTREAM_KEY, readClientSse, startFaultHarness, type FaultHarness, type FaultHarnessOptions } from '../../support/fault-harness.js';

const CHAT = '/v1/chat/completions';
const HELLO = 'Hello, world!';

const CAPTIVE_PORTAL: Behaviour = {
  kind: 'raw',
  handler: (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html><body><h1>Welcome to the captive portal</h1><p>session=abc123</p></body></html>');
  },
};

let harness: FaultHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: FaultHarnessOptions): Promise<FaultHarness> {
  harness = await startFaultHarness(options);
  return harness;
}

/** One exchange: status, headers and the answer's text, from a stream or a JSON body. */
async function ask(h: FaultHarness, streamed: boolean) {
  const exchange = h.post(CHAT, chatBody({ stream: streamed }));
  const head = await exchange.head;
  const text = await exchange.done;
  const content = streamed
    ? readClientSse(text).content
    : ((JSON.parse(text) as { choices?: { message: { content: string } }[] }).choices?.[0]?.message.content ?? '');
  return { ...head, text, content };
}

const MODES = [
  ['a non-stream request', false],
  ['a stream request', true],
] as const;

describe('a 2xx HTML answer fails over (checklist S21)', () => {
  it.each(MODES)('%s moves on to the other deployment of the group, and the page counts against the one that sent it', async (_name, streamed) => {
    const h = await start({
      extraModels: (url) => `  - model_name: m\n    litellm_params: { model: openai/up-model-b, api_base: "${url}/v1", api_key: "${FAULT_UPSTREAM_KEY}" }\n`,
      routerSettings: '{ num_retries: 1, allowed_fails: 1, cooldown_time: 5 }',
    });
    // Whichever deployment is picked first gets the page; the other one answers.
    h.mock.script([CAPTIVE_PORTAL, { kind: 'ok' }]);
    const res = await ask(h, streamed);
    expect(res.status).toBe(200);
    expect(res.content).toBe(HELLO);
    expect(res.text).not.toContain('captive portal');
    expect(res.headers['x-litellm-attempted-retries']).toBe('1');
    expect(res.headers['x-litellm-attempted-fallbacks']).toBe('0');
    expect(h.mock.requests).toHaveLength(2);

    const [portal, good] = h.mock.requests.map((r) => ((r.json as { model: string }).model === 'up-model' ? 'm#0' : 'm#1'));
    expect(portal).not.toBe(good);
    expect(res.headers['x-litellm-model-id']).toBe(good);
    const health = h.gateway.router().health;
    expect(health.coolingDownUntil(portal!)).toBeDefined();
    expect(health.coolingDownUntil(good!)).toBeUndefined();
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'success', retries: 1, fallbacks: 0 });
  });

  it.each(MODES)('%s falls back to the next group when the group has no other deployment', async (_name, streamed) => {
    const h = await start({
      extraModels: (url) => `  - model_name: backup\n    litellm_params: { model: openai/up-backup, api_base: "${url}/v1", api_key: "${FAULT_UPSTREAM_KEY}" }\n`,
      routerSettings: '{ num_retries: 0, cooldown_time: 0, fallbacks: [{ m: [backup] }] }',
    });
    h.mock.script([CAPTIVE_PORTAL, { kind: 'ok' }]);
    const res = await ask(h, streamed);
    expect(res.status).toBe(200);
    expect(res.content).toBe(HELLO);
    expect(res.headers['x-litellm-attempted-fallbacks']).toBe('1');
    expect(res.headers['x-litellm-model-group']).toBe('backup');
    expect(h.mock.requests.map((r) => (r.json as { model: string }).model)).toEqual(['up-model', 'up-backup']);
  });
});
