// Routing that survives failures, over real sockets: several loopback mock upstreams at once
// (one answers 500, one hangs, one answers 429 with Retry-After, one is down, one resets
// mid-stream) behind model groups, driven by the official `openai` SDK as a user's script would
// be. Time is a fake clock handed to the gateway: cooldowns and Retry-After never wait on the
// wall clock (only the 0.3 s first-byte timeout of the hanging upstream is real).
import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockUpstream, parseSseText, type Behaviour, type MockUpstream } from '../../support/mock-upstream.js';
import { refusedPort } from '../../support/refused-port.js';
import { callGateway, sendToGateway } from '../../support/send-to-gateway.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { createUpstreamClient, type UpstreamClient } from '../../../main/providers/upstream-client.js';
import { fakeClock, seededRandom, type FakeClock } from '../routing/routing-test-kit.js';

const UPSTREAM_KEY = 'sk-upstream-routing-test-0123456789';
const HELLO = 'Hello, world!';

interface Harness {
  gateway: TestGateway;
  client: OpenAI;
  clock: FakeClock;
  sleeps: number[];
  /** Upstream calls the gateway made, per deployment id (counts a refused port too). */
  attempts: Map<string, number>;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function mock(defaultBehaviour: Behaviour = { kind: 'ok' }): Promise<MockUpstream> {
  const m = await createMockUpstream({ defaultBehaviour });
  open.push(m);
  return m;
}

/** One model_list entry pointing at `url`; `params` goes into litellm_params, `info` into model_info. */
function entry(group: string, id: string, url: string, params = '', info = ''): string {
  return `  - model_name: ${group}
    litellm_params: { model: openai/up-${id}, api_base: "${url}/v1", api_key: "${UPSTREAM_KEY}"${params ? `, ${params}` : ''} }
    model_info: { id: ${id}${info ? `, ${info}` : ''} }
`;
}

async function start(entries: string, routerSettings: string): Promise<Harness> {
  const clock = fakeClock();
  const sleeps: number[] = [];
  const attempts = new Map<string, number>();
  const real = createUpstreamClient();
  open.push(real);
  const upstream: UpstreamClient = {
    send(call, deployment, signal) {
      attempts.set(deployment.id, (attempts.get(deployment.id) ?? 0) + 1);
      return real.send(call, deployment, signal);
    },
    close: () => real.close(),
  };
  const gateway = await startTestGateway(`model_list:\n${entries}router_settings: ${routerSettings}\n`, {
    listen: true,
    upstream,
    now: clock.now,
    random: seededRandom(2024),
    // Waiting between retries moves the fake clock instead of the real one.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  open.push(gateway);
  // maxRetries 0: the SDK would otherwise retry by itself and hide what the gateway did.
  const client = new OpenAI({ apiKey: 'unused-in-open-mode', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  return { gateway, client, clock, sleeps, attempts };
}

async function chat(h: Harness, model: string) {
  const { data, response } = await h.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  return { text: data.choices[0]?.message.content, headers: response.headers };
}

async function chatStream(h: Harness, model: string) {
  const { data: stream, response } = await h.client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return { text, headers: response.headers };
}

describe('routing over several failing upstreams', () => {
  it('serves every request of a script through the healthy deployment while the others answer 500, hang, answer 429 or are down', async () => {
    const failing = await mock({ kind: 'status', status: 500 });
    const hanging = await mock({ kind: 'hang-before-headers' });
    const limited = await mock({ kind: 'status', status: 429, retryAfter: 7 });
    const healthy = await mock();
    const down = `http://127.0.0.1:${await refusedPort()}`;
    const h = await start(
      entry('chat', 'failing', failing.url) +
        entry('chat', 'hanging', hanging.url, 'timeout: 0.3') +
        entry('chat', 'limited', limited.url) +
        entry('chat', 'down', down) +
        entry('chat', 'healthy', healthy.url),
      '{ num_retries: 4, allowed_fails: 2, cooldown_time: 60, timeout: 600 }',
    );

    const results: string[] = [];
    let retried = 0;
    for (let i = 0; i < 16; i++) {
      const res = i % 2 === 0 ? await chat(h, 'chat') : await chatStream(h, 'chat');
      results.push(res.text ?? '');
      expect(res.headers.get('x-litellm-model-id')).toBe('healthy');
      retried += Number(res.headers.get('x-litellm-attempted-retries'));
    }
    expect(results).toEqual(Array(16).fill(HELLO));
    expect(healthy.requests).toHaveLength(16);
    // Each bad deployment was tried until it cooled down, then left alone: 429 cools at once,
    // the others after allowed_fails (2) failures. Retries were counted in the headers.
    expect(limited.requests.length).toBeLessThanOrEqual(1);
    expect(failing.requests.length).toBeLessThanOrEqual(2);
    expect(hanging.requests.length).toBeLessThanOrEqual(2);
    expect(h.attempts.get('down')).toBeLessThanOrEqual(2);
    // The seeded shuffle does reach every bad deployment: the script really went through failures.
    for (const id of ['failing', 'hanging', 'limited', 'down']) expect(h.attempts.get(id), id).toBeGreaterThanOrEqual(1);
    const failedAttempts = [...h.attempts].filter(([id]) => id !== 'healthy').reduce((sum, [, n]) => sum + n, 0);
    expect(failedAttempts).toBe(limited.requests.length + failing.requests.length + hanging.requests.length + (h.attempts.get('down') ?? 0));
    expect(retried).toBe(failedAttempts);
    // Moving to another deployment never waits.
    expect(h.sleeps).toEqual([]);
  });

  it('with two deployments of one model and one of them down, a script sees no errors, and the down one is retried after its cooldown', async () => {
    const healthy = await mock();
    const down = `http://127.0.0.1:${await refusedPort()}`;
    const h = await start(entry('local', 'down', down) + entry('local', 'up', healthy.url), '{ num_retries: 2, allowed_fails: 1, cooldown_time: 30 }');
    for (let i = 0; i < 10; i++) expect((await chat(h, 'local')).text).toBe(HELLO);
    expect(h.attempts.get('down')).toBe(1);
    // Cooling down: nothing goes to it until 30 s have passed on the gateway's clock.
    h.clock.advance(29_999);
    for (let i = 0; i < 5; i++) await chat(h, 'local');
    expect(h.attempts.get('down')).toBe(1);
    h.clock.advance(1);
    for (let i = 0; i < 10; i++) expect((await chat(h, 'local')).text).toBe(HELLO);
    expect(h.attempts.get('down')).toBe(2);
    expect(healthy.requests).toHaveLength(25);
  });

  it('moves to the fallback group once the group is exhausted, and says so in the headers', async () => {
    const bad1 = await mock({ kind: 'status', status: 500 });
    const bad2 = await mock({ kind: 'status', status: 503 });
    const backup = await mock();
    const h = await start(
      entry('primary', 'p1', bad1.url) + entry('primary', 'p2', bad2.url) + entry('backup', 'b1', backup.url),
      '{ num_retries: 1, cooldown_time: 60, fallbacks: [{ primary: [backup] }] }',
    );
    const res = await chat(h, 'primary');
    expect(res.text).toBe(HELLO);
    expect(res.headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(res.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(res.headers.get('x-litellm-model-group')).toBe('backup');
    expect(bad1.requests).toHaveLength(1);
    expect(bad2.requests).toHaveLength(1);
    expect((backup.requests[0]?.json as { model: string }).model).toBe('up-b1');
  });

  it('answers the last upstream error, with the attempts in the headers, when the group and its fallbacks all fail', async () => {
    const bad = await mock({ kind: 'status', status: 500 });
    const alsoBad = await mock({ kind: 'status', status: 502 });
    const h = await start(entry('primary', 'p1', bad.url) + entry('backup', 'b1', alsoBad.url), '{ num_retries: 0, cooldown_time: 60, fallbacks: [{ primary: [backup] }] }');
    const error = await chat(h, 'primary').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(502);
    expect((error as APIError).headers?.get('x-litellm-attempted-fallbacks')).toBe('1');
  });

  it('ends a stream that breaks after output with one clean SSE error event and [DONE], and never retries it (no duplicated text)', async () => {
    const resetting = await mock({ kind: 'reset-after-n-chunks', n: 3 });
    const healthy = await mock();
    // order: the resetting deployment is always tried first; the healthy one would be the retry.
    const h = await start(entry('flaky', 'reset', resetting.url, 'order: 1') + entry('flaky', 'spare', healthy.url, 'order: 2'), '{ num_retries: 3, cooldown_time: 60 }');
    const exchange = sendToGateway(h.gateway.port, '/v1/chat/completions', { model: 'flaky', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect((await exchange.head).status).toBe(200);
    const events = parseSseText(await exchange.done);
    const content = events
      .map((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe('Hello,');
    const errors = events.filter((e) => typeof e === 'object' && e !== null && 'error' in e);
    expect(errors).toHaveLength(1);
    expect(events.at(-2)).toBe(errors[0]);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.filter((e) => e === '[DONE]')).toHaveLength(1);
    expect(healthy.requests).toHaveLength(0);
    expect(resetting.requests).toHaveLength(1);
  });

  it('shows the SDK the partial text and then an error, never the text twice', async () => {
    const resetting = await mock({ kind: 'reset-after-n-chunks', n: 3 });
    const healthy = await mock();
    const h = await start(entry('flaky', 'reset', resetting.url, 'order: 1') + entry('flaky', 'spare', healthy.url, 'order: 2'), '{ num_retries: 3 }');
    let text = '';
    const stream = await h.client.chat.completions.create({ model: 'flaky', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(() => undefined, (e: unknown) => e);
    expect(text).toBe('Hello,');
    expect(error).toBeInstanceOf(APIError);
    expect(healthy.requests).toHaveLength(0);
  });
});

describe('cooldowns on a fake clock', () => {
  it('answers 429 no_deployments_available with Retry-After while every deployment cools down, and serves again once the cooldown is over', async () => {
    const a = await mock();
    const b = await mock();
    a.script({ kind: 'status', status: 429, retryAfter: 1 });
    b.script({ kind: 'status', status: 429, retryAfter: 1 });
    const h = await start(entry('pair', 'a', a.url) + entry('pair', 'b', b.url), '{ num_retries: 1, cooldown_time: 30 }');

    const first = await callGateway(h.gateway.port, '/v1/chat/completions', { model: 'pair', messages: [{ role: 'user', content: 'hi' }] });
    expect(first.status).toBe(429);
    expect((first.json as { error: { code: string } }).error.code).toBe('upstream_rate_limited');
    expect(a.requests.length + b.requests.length).toBe(2);

    const cooling = await h.client.chat.completions.create({ model: 'pair', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e as APIError);
    expect(cooling?.status).toBe(429);
    expect(cooling?.code).toBe('no_deployments_available');
    expect(cooling?.message).toContain('"pair"');
    expect(cooling?.message).toContain('30 s');
    expect(cooling?.headers?.get('retry-after')).toBe('30');
    expect(a.requests.length + b.requests.length).toBe(2);

    h.clock.advance(20_000);
    const later = await callGateway(h.gateway.port, '/v1/chat/completions', { model: 'pair', messages: [{ role: 'user', content: 'hi' }] });
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('10');

    h.clock.advance(10_000);
    expect((await chat(h, 'pair')).text).toBe(HELLO);
    expect(a.requests.length + b.requests.length).toBe(3);
  });

  it('never cools down the only deployment of a group: a 429 is relayed and the next request goes upstream again', async () => {
    const upstream = await mock();
    upstream.script({ kind: 'status', status: 429, retryAfter: 1 });
    const h = await start(entry('solo', 'only', upstream.url), '{ num_retries: 0, cooldown_time: 30 }');
    const first = await callGateway(h.gateway.port, '/v1/chat/completions', { model: 'solo', messages: [{ role: 'user', content: 'hi' }] });
    expect(first.status).toBe(429);
    expect((first.json as { error: { code: string } }).error.code).toBe('upstream_rate_limited');
    expect((await chat(h, 'solo')).text).toBe(HELLO);
    expect(upstream.requests).toHaveLength(2);
  });

  it('backs off exponentially before retrying the same deployment when it is the only one, on the fake clock', async () => {
    const upstream = await mock();
    upstream.script([{ kind: 'status', status: 503 }, { kind: 'status', status: 500 }]);
    const h = await start(entry('solo', 'only', upstream.url), '{ num_retries: 2, allowed_fails: 5, cooldown_time: 30, timeout: 600, retry_after: 0.25, max_retry_after: 10 }');
    const res = await chat(h, 'solo');
    expect(res.text).toBe(HELLO);
    expect(res.headers.get('x-litellm-attempted-retries')).toBe('2');
    expect(h.sleeps).toEqual([250, 500]);
    expect(upstream.requests).toHaveLength(3);
  });
});

describe('context-window guard', () => {
  const longPrompt = 'word '.repeat(2_000);

  it('sends a prompt too long for the group to its context_window_fallbacks group', async () => {
    const small = await mock();
    const large = await mock();
    const h = await start(
      entry('small', 's1', small.url, '', 'max_input_tokens: 512') + entry('large', 'l1', large.url, '', 'max_input_tokens: 128000'),
      '{ context_window_fallbacks: [{ small: [large] }] }',
    );
    const { data, response } = await h.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: longPrompt }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe(HELLO);
    expect(response.headers.get('x-litellm-model-group')).toBe('large');
    expect(small.requests).toHaveLength(0);
    expect(large.requests).toHaveLength(1);
    // A short prompt stays where it was sent.
    await chat(h, 'small');
    expect(small.requests).toHaveLength(1);
  });

  it('answers 400 context_window_exceeded naming the limit and the estimate instead of letting the backend truncate', async () => {
    const small = await mock();
    const h = await start(entry('small', 's1', small.url, '', 'max_input_tokens: 512'), '{}');
    const error = await h.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: longPrompt }] }).then(() => undefined, (e: unknown) => e as APIError);
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('context_window_exceeded');
    expect(error?.message).toContain('max_input_tokens 512');
    expect(error?.message).toMatch(/about \d+ prompt tokens/);
    expect(small.requests).toHaveLength(0);
  });
});

