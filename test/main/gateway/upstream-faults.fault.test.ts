// Upstream faults S15–S23 of the security checklist (section D), over real loopback sockets: a
// scripted mock upstream misbehaves, a raw HTTP client plays the app, and each case checks what
// the client received, what the upstream saw (sockets closed, requests never sent), and that the
// gateway settled the request exactly once. Timeouts are per deployment and small (0.3 s).
import { afterEach, describe, expect, it } from 'vitest';
import {
  SPLIT_UTF8_CONTENT,
  buildOpenAIChunk,
  createMockUpstream,
  sseFrame,
  SSE_DONE_FRAME,
  type MockUpstream,
} from '../../support/mock-upstream.js';
import {
  FAULT_MASTER_KEY,
  FAULT_UPSTREAM_KEY,
  chatBody,
  readClientSse,
  startFaultHarness,
  type FaultHarness,
  type FaultHarnessOptions,
} from '../../support/fault-harness.js';
import { refusedPort } from '../../support/refused-port.js';

const CHAT = '/v1/chat/completions';
const HELLO = 'Hello, world!';

let harness: FaultHarness | undefined;
const extraServers: MockUpstream[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const server of extraServers.splice(0)) await server.close();
});

async function start(options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  harness = await startFaultHarness(options);
  return harness;
}

/** A whole non-stream exchange: status, headers and the OpenAI error object if there is one. */
async function call(h: FaultHarness, body: unknown) {
  const exchange = h.post(CHAT, body);
  const head = await exchange.head;
  const text = await exchange.done;
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { ...head, text, json, error: json?.error as { message: string; type: string; code: string } | undefined };
}

/** A whole stream exchange, read as OpenAI SSE. */
async function stream(h: FaultHarness, body: unknown) {
  const exchange = h.post(CHAT, body);
  const head = await exchange.head;
  const text = await exchange.done;
  return { ...head, text, sse: readClientSse(text) };
}

/** The message an error carries must never hold key material or raw upstream HTML. */
function expectClean(message: string): void {
  expect(message).not.toContain(FAULT_UPSTREAM_KEY);
  expect(message).not.toContain(FAULT_MASTER_KEY);
  expect(message).not.toMatch(/<[a-z!/]/i);
  expect(message.length).toBeLessThanOrEqual(400);
}

/** A 2xx SSE response the test writes itself, for wire variants no behaviour covers. */
function chunkFrame(delta: Record<string, unknown>, finish: string | null = null): string {
  return sseFrame(buildOpenAIChunk({ id: 'chatcmpl-raw', created: 1_717_200_000 }, 'up-model', [{ index: 0, delta, logprobs: null, finish_reason: finish }]));
}

describe('upstream faults (checklist D)', () => {
  describe('S15 connect failure', () => {
    // Issue 14 item 4: the error names the address tried (scheme, host, port, path; never a query
    // string or credentials) and the model, so the user can see which server is down.
    it('S15: a refused connection answers 502 upstream_unavailable naming the model and the address tried', async () => {
      const port = await refusedPort();
      const h = await start({ apiBase: `http://127.0.0.1:${port}/v1` });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_unavailable');
      expect(res.error?.message).toContain('connection refused');
      expect(res.error?.message).toContain(`Nothing answers at http://127.0.0.1:${port}/v1 (model m)`);
      expectClean(res.error!.message);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_unavailable', httpStatus: 502 });
    });

    it('S15: a refused connection falls back to the next group, since no byte has reached the client', async () => {
      const port = await refusedPort();
      const h = await start({
        apiBase: `http://127.0.0.1:${port}/v1`,
        extraModels: (url) => `  - model_name: backup\n    litellm_params: { model: openai/up-backup, api_base: "${url}/v1", api_key: "${FAULT_UPSTREAM_KEY}" }\n`,
        routerSettings: '{ num_retries: 0, cooldown_time: 0, fallbacks: [{ m: [backup] }] }',
      });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers['x-litellm-attempted-fallbacks']).toBe('1');
      expect(res.sse.content).toBe(HELLO);
      expect(h.mock.requests).toHaveLength(1);
      expect((h.mock.requests[0]?.json as { model: string }).model).toBe('up-backup');
    });
  });

  describe('S16 upstream hangs before headers (LiteLLM #38358: request_timeout never fired on a silent upstream)', () => {
    it.each([
      ['a non-stream request', false],
      ['a stream request', true],
    ])('S16: %s gets 504 upstream_timeout at the first-byte deadline and the upstream socket is closed', async (_name, streamed) => {
      const h = await start({ params: 'timeout: 0.3' });
      h.mock.script({ kind: 'hang-before-headers' });
      const res = await call(h, chatBody({ stream: streamed }));
      expect(res.status).toBe(504);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.error?.code).toBe('upstream_timeout');
      expect(res.error?.message).toContain('0.3 s');
      await h.mock.waitForClientClose(0);
      expect(h.mock.requests[0]?.socketClosed).toBe(true);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ errorCode: 'upstream_timeout', httpStatus: 504 });
    });
  });

  describe('S17 upstream stalls mid-stream (2389-research/tracker#575)', () => {
    it('S17: the client gets the first chunks, then an SSE error event, then [DONE], and the stream ends', async () => {
      const h = await start({ params: 'stream_timeout: 0.3' });
      h.mock.script({ kind: 'stall-after-n-chunks', n: 3 });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.sse.content).toBe('Hello,');
      expect(res.sse.errors).toHaveLength(1);
      expect(res.sse.errors[0]?.code).toBe('upstream_stalled');
      expect(res.sse.errors[0]?.message).toContain('0.3 s');
      // The error is the last event before [DONE]; nothing follows the terminator.
      expect(res.sse.events.at(-2)).toHaveProperty('error');
      expect(res.sse.endsWithDone).toBe(true);
      await h.mock.waitForClientClose(0);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'upstream_stalled', errorCode: 'upstream_stalled', outputChars: 'Hello,'.length });
    });
  });

  describe('S17/S18 on a non-stream body', () => {
    it('S17: a body that stalls half-way answers 504 upstream_stalled at the idle deadline', async () => {
      const h = await start({ params: 'stream_timeout: 0.3' });
      h.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
      const res = await call(h, chatBody());
      expect(res.status).toBe(504);
      expect(res.error?.code).toBe('upstream_stalled');
      await h.mock.waitForClientClose(0);
    });

    it('S18: a body cut by a reset answers 502 upstream_bad_response, never a partial JSON', async () => {
      const h = await start();
      h.mock.script({ kind: 'reset-after-n-chunks', n: 2 });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_bad_response');
      expect(res.json).not.toHaveProperty('choices');
    });
  });

  describe('S18 upstream drops mid-stream (LiteLLM PR #30630, #36008)', () => {
    it.each([
      ['a TCP reset', { kind: 'reset-after-n-chunks', n: 2 } as const],
      ['a clean end without finish_reason or [DONE]', { kind: 'truncate-after-n-chunks', n: 2 } as const],
    ])('S18: %s after two chunks ends the client stream with an error event, [DONE], and the gateway keeps serving', async (_name, behaviour) => {
      const h = await start();
      h.mock.script(behaviour);
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe('Hello');
      expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_bad_response']);
      expect(res.sse.endsWithDone).toBe(true);
      const finished = await h.meter.waitForFinished(1);
      expect(finished).toHaveLength(1);
      expect(finished[0]).toMatchObject({ status: 'upstream_error', outputChars: 'Hello'.length });

      const next = await stream(h, chatBody({ stream: true }));
      expect(next.sse.content).toBe(HELLO);
      expect(next.sse.errors).toEqual([]);
      expect(h.meter.finished).toHaveLength(2);
    });

    it('S18: a stream that reached its finish_reason but omits [DONE] and usage completes normally', async () => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(chunkFrame({ role: 'assistant', content: '' }) + chunkFrame({ content: 'Hi' }) + chunkFrame({}, 'stop'));
        },
      });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe('Hi');
      expect(res.sse.errors).toEqual([]);
      expect(res.sse.endsWithDone).toBe(true);
      const [finished] = await h.meter.waitForFinished(1);
      // No usage from the upstream: the meter gets the relayed length to estimate from.
      expect(finished).toMatchObject({ status: 'success', usage: undefined, outputChars: 2 });
    });
  });

  describe('S19 retries and upstream status errors (vllm-ascend PR #14371)', () => {
    it('S19: an upstream 429 is relayed as 429 with its Retry-After when no retry is configured', async () => {
      const h = await start();
      h.mock.script({ kind: 'status', status: 429, retryAfter: 7 });
      const res = await call(h, chatBody());
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.error?.code).toBe('upstream_rate_limited');
      expect(h.mock.requests).toHaveLength(1);
    });

    it('S19: 429 and 5xx are retried before the first byte, honouring Retry-After up to the cap', async () => {
      const sleeps: number[] = [];
      const h = await start({
        routerSettings: '{ num_retries: 3, cooldown_time: 0, max_retry_after: 10, timeout: 600, retry_after: 0.1 }',
        gateway: { sleep: async (ms) => void sleeps.push(ms) },
      });
      h.mock.script([
        { kind: 'status', status: 429, retryAfter: 2 },
        { kind: 'status', status: 429, retryAfter: 3600 },
        { kind: 'status', status: 503 },
      ]);
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.sse.content).toBe(HELLO);
      expect(res.headers['x-litellm-attempted-retries']).toBe('3');
      expect(h.mock.requests).toHaveLength(4);
      // Retry-After 2 s, then 3600 s capped at max_retry_after, then exponential backoff.
      expect(sleeps.slice(0, 2)).toEqual([2_000, 10_000]);
      expect(sleeps).toHaveLength(3);
    });

    // Pins the unscaled-defaults bug: an absent router_settings key once yielded its default in
    // seconds (max Retry-After 10 ms, total deadline 600 ms), so the gateway retried after 10 ms.
    it('S19: with the default total deadline, a Retry-After of 2 s is waited out rather than relayed', async () => {
      // Only what a user would set: retries on, no cooldown. The deadline and backoff are defaults.
      const sleeps: number[] = [];
      const h = await start({ routerSettings: '{ num_retries: 1, cooldown_time: 0 }', gateway: { sleep: async (ms) => void sleeps.push(ms) } });
      h.mock.script({ kind: 'status', status: 429, retryAfter: 2 });
      const res = await call(h, chatBody());
      expect(res.error).toBeUndefined();
      expect(res.status).toBe(200);
      expect(sleeps).toEqual([2_000]);
      expect(h.mock.requests).toHaveLength(2);
    });

    it('S19: a stream that breaks after output is never retried (it would duplicate text)', async () => {
      const h = await start({ routerSettings: '{ num_retries: 3, cooldown_time: 0 }', gateway: { sleep: async () => undefined } });
      h.mock.script({ kind: 'reset-after-n-chunks', n: 2 });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe('Hello');
      expect(res.sse.errors).toHaveLength(1);
      expect(h.mock.requests).toHaveLength(1);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished?.retries).toBe(0);
    });

    it('S19: an upstream 401 becomes 502 naming the model and the address, never the key', async () => {
      const h = await start();
      // Some providers echo the key they refused; the gateway must not pass it on.
      h.mock.script({
        kind: 'status',
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${FAULT_UPSTREAM_KEY}. You can find your API key at https://platform.example/keys?org=1.`, type: 'invalid_request_error', code: 'invalid_api_key' } },
      });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_auth_failed');
      expect(res.error?.message).toContain('The server for model "m" answered HTTP 401 at http://127.0.0.1:');
      expect(res.error?.message).toContain('/v1/chat/completions');
      expectClean(res.error!.message);
      expect(res.text).not.toContain('platform.example');
      expect(h.gateway.logs.join('')).not.toContain(FAULT_UPSTREAM_KEY);
    });
  });

  describe('S19/S21 in-band errors (vLLM and sglang report failures inside a 200: litellm #40578)', () => {
    const leaky = `CUDA out of memory\n\u0000 on worker http://10.0.0.7:8000/internal?token=abc; auth ${FAULT_UPSTREAM_KEY} ${'x'.repeat(400)}`;

    it('S19: an in-band error event mid-stream reaches the client sanitised: no key, no URL, no control characters, short', async () => {
      const h = await start();
      h.mock.script({ kind: 'in-band-error', message: leaky });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe('Hello');
      expect(res.sse.errors).toHaveLength(1);
      expect(res.sse.errors[0]?.code).toBe('upstream_error');
      expect(res.sse.errors[0]?.message).toContain('CUDA out of memory');
      expect(res.sse.errors[0]?.message).not.toContain('10.0.0.7');
      expect(res.sse.errors[0]?.message).not.toMatch(/[\u0000-\u001f]/);
      expectClean(res.sse.errors[0]!.message);
    });

    it('chunks that carry "error": null are ordinary chunks, not errors', async () => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          const withNullError = (frame: string) => frame.replace('"choices"', '"error":null,"choices"');
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(withNullError(chunkFrame({ role: 'assistant', content: 'Hi' })) + withNullError(chunkFrame({}, 'stop')) + SSE_DONE_FRAME);
        },
      });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.errors).toEqual([]);
      expect(res.sse.content).toBe('Hi');
    });

    it('S19: an error object in a 200 non-stream body is a 502 carrying the sanitised upstream message', async () => {
      const h = await start();
      h.mock.script({ kind: 'in-band-error', message: leaky });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_error');
      expect(res.error?.message).toContain('CUDA out of memory');
      expect(res.error?.message).not.toContain('10.0.0.7');
      expectClean(res.error!.message);
    });
  });

  describe('S20 upstream redirects are never followed (new-api GHSA-9f46-w24h-69w4, undici#4917)', () => {
    it.each([
      ['302 to another host name', 302, (recorder: MockUpstream) => `http://localhost:${recorder.port}/v1/chat/completions`],
      ['307 (method and body preserved) to a second server', 307, (recorder: MockUpstream) => `${recorder.url}/v1/chat/completions`],
    ] as const)('S20: %s answers 502 upstream_redirect and nothing, least of all the key, reaches the target', async (_name, status, target) => {
      const recorder = await createMockUpstream();
      extraServers.push(recorder);
      const h = await start();
      h.mock.script({ kind: 'redirect-to', status, url: target(recorder) });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_redirect');
      expect(res.error?.message).not.toContain(String(recorder.port));
      expect(recorder.requests).toEqual([]);
      expect(recorder.openSockets()).toBe(0);
      expect(h.mock.requests).toHaveLength(1);
      expect(h.mock.requests[0]?.headers.authorization).toBe(`Bearer ${FAULT_UPSTREAM_KEY}`);
    });
  });

  describe('S21 garbage from upstream (Portkey parses upstream chunks with an unguarded JSON.parse)', () => {
    it.each([
      ['a data line that is not JSON', 'non-json'],
      ['a data line with truncated JSON', 'truncated-json'],
    ] as const)('S21: %s mid-stream ends the stream with a clean error event after the chunks before it', async (_name, variant) => {
      const h = await start();
      h.mock.script({ kind: 'garbage-sse', variant });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_bad_response']);
      expectClean(res.sse.errors[0]!.message);
      expect(res.text).not.toContain('this is not json');
      expect(res.text).not.toContain('chat.compl"');
      expect(res.sse.endsWithDone).toBe(true);
      // The role chunk that preceded the garbage still reached the client.
      expect(res.sse.events[0]).toMatchObject({ choices: [{ delta: { role: 'assistant' } }] });
    });

    it('S21: a 20 MiB SSE line without a newline fails at the default 16 MiB event cap and the upstream is cut off', async () => {
      const h = await start();
      h.mock.script({ kind: 'huge-line', bytes: 20 * 1024 * 1024 });
      const exchange = h.post(CHAT, chatBody({ stream: true }));
      const text = await exchange.done;
      const sse = readClientSse(text);
      expect(sse.errors.map((e) => e.code)).toEqual(['upstream_response_too_large']);
      expect(sse.errors[0]?.message).toContain('larger than 16 MiB');
      expect(sse.endsWithDone).toBe(true);
      // Nothing of the line is echoed, and the gateway hung up instead of reading the rest.
      expect(exchange.receivedBytes()).toBeLessThan(4096);
      await h.mock.waitForClientClose(0);
    });

    it('S21: an HTML error page (text/html) becomes a short 502 without the page (ItzCrazyKns/Vane#1124)', async () => {
      const h = await start();
      const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>upstream db-7.internal.corp:5432 refused</p><pre>${'trace '.repeat(2000)}</pre></body></html>`;
      h.mock.script({ kind: 'status', status: 502, body: page, contentType: 'text/html; charset=utf-8' });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_error');
      expect(res.text).not.toContain('internal.corp');
      expect(res.text).not.toContain('Bad Gateway</h1>');
      expectClean(res.error!.message);
    });

    it.each([
      ['a non-stream request', false],
      ['a stream request', true],
    ])('S21: an HTML page with status 200 on %s is a clean 502 upstream_bad_response before any byte reaches the client', async (_name, streamed) => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html><body><h1>Welcome to the captive portal</h1><p>session=abc123</p></body></html>');
        },
      });
      const res = await call(h, chatBody({ stream: streamed }));
      expect(res.text).not.toContain('captive portal');
      expect(res.text).not.toContain('session=abc123');
      // A stream request too: the page is refused at the response head, so the client gets a
      // real status instead of a 200 stream that only carries an error event.
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.error?.code).toBe('upstream_bad_response');
      expect(res.error?.message).toContain('The server for model "m" at http://127.0.0.1:');
      expect(res.error?.message).toContain('HTML');
      expectClean(res.error!.message);
      const [finished] = await h.meter.waitForFinished(1);
      expect(finished).toMatchObject({ status: 'upstream_error', errorCode: 'upstream_bad_response', httpStatus: 502 });
    });

    it('S21: an error response without Content-Type still yields a clean 502 with a sanitised excerpt', async () => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          res.writeHead(500);
          res.end(JSON.stringify({ error: { message: `model crashed\n\u0000 while loading; key ${FAULT_UPSTREAM_KEY}` } }));
        },
      });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_error');
      expect(res.error?.message).toContain('model crashed');
      expect(res.error?.message).not.toMatch(/[\u0000-\u001f]/);
      expectClean(res.error!.message);
    });

    it('S21: a valid answer without Content-Type is served as usual', async () => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          const body = JSON.stringify({
            id: 'chatcmpl-raw', object: 'chat.completion', created: 1_717_200_000, model: 'up-model',
            choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: 'stop' }],
          });
          res.writeHead(200, { 'content-length': String(Buffer.byteLength(body)) });
          res.end(body);
        },
      });
      const res = await call(h, chatBody());
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ choices: [{ message: { content: 'Hi' } }] });
    });

    it('S21: a non-stream body that is not JSON is a clean 502', async () => {
      const h = await start();
      h.mock.script({ kind: 'garbage-sse', variant: 'non-json' });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_bad_response');
      expect(res.text).not.toContain('this is not json');
    });
  });

  describe('S22 UTF-8 and SSE framing across chunk boundaries (api7/aisix#111, lobehub PR #18640)', () => {
    it.each([
      ['a stream', true],
      ['a non-stream body', false],
    ])('S22: %s whose characters and lines are split across TCP writes arrives exact, without U+FFFD', async (_name, streamed) => {
      const h = await start();
      h.mock.script({ kind: 'split-utf8' });
      const res = await call(h, chatBody({ stream: streamed }));
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('\uFFFD');
      if (streamed) {
        const sse = readClientSse(res.text);
        expect(sse.content).toBe(SPLIT_UTF8_CONTENT);
        expect(sse.errors).toEqual([]);
        expect(sse.endsWithDone).toBe(true);
      } else {
        expect(res.json).toMatchObject({ choices: [{ message: { content: SPLIT_UTF8_CONTENT } }] });
      }
    });

    it.each([
      ['CRLF line endings', 'crlf'],
      ['"data:" without a space', 'no-data-prefix-space'],
      ['": keep-alive" comments between events', 'comments'],
    ] as const)('S22: %s decode to the normal answer', async (_name, variant) => {
      const h = await start();
      h.mock.script({ kind: 'garbage-sse', variant });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe(HELLO);
      expect(res.sse.errors).toEqual([]);
      expect(res.sse.endsWithDone).toBe(true);
      // What the client gets is normalised: no comments, every event "data: " + LF LF.
      expect(res.text).not.toContain('keep-alive');
      expect(res.text).not.toContain('\r');
    });

    it('S22: genuinely invalid UTF-8 becomes U+FFFD and the stream still completes', async () => {
      const h = await start();
      h.mock.script({
        kind: 'raw',
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const [before, after] = chunkFrame({ content: 'aXb' }).split('X') as [string, string];
          res.end(Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after), Buffer.from(chunkFrame({}, 'stop') + SSE_DONE_FRAME)]));
        },
      });
      const res = await stream(h, chatBody({ stream: true }));
      expect(res.sse.content).toBe('a\uFFFD\uFFFDb');
      expect(res.sse.errors).toEqual([]);
      expect(res.sse.endsWithDone).toBe(true);
    });
  });

  describe('S23 oversized non-stream response', () => {
    it('S23: a 40 MB body is cut off at the cap with 502 upstream_response_too_large', async () => {
      const h = await start();
      h.mock.script({ kind: 'huge-body', bytes: 40 * 1024 * 1024 });
      const res = await call(h, chatBody());
      expect(res.status).toBe(502);
      expect(res.error?.code).toBe('upstream_response_too_large');
      expect(res.text.length).toBeLessThan(1024);
      await h.mock.waitForClientClose(0);
      expect(h.mock.requests[0]?.aborted).toBe(true);
    });
  });
});
