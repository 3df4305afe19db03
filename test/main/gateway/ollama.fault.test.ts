// The checklist's upstream and client faults on Ollama's native wire (NDJSON from /api/chat):
// the same guarantees as for OpenAI SSE — clean errors after partial output, exact UTF-8, no
// unguarded JSON.parse (Portkey's OllamaChatCompleteStreamChunkTransform), sockets closed when
// the client leaves — with the gateway translating every line to OpenAI chunks.
import { afterEach, describe, expect, it } from 'vitest';
import { IN_BAND_ERROR_MESSAGE, SPLIT_UTF8_CONTENT } from '../../support/mock-upstream.js';
import { chatBody, readClientSse, startFaultHarness, type FaultHarness, type FaultHarnessOptions } from '../../support/fault-harness.js';

const CHAT = '/v1/chat/completions';
const HELLO = 'Hello, world!';

let harness: FaultHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Omit<FaultHarnessOptions, 'wire'> = {}): Promise<FaultHarness> {
  harness = await startFaultHarness({ ...options, wire: 'ollama' });
  return harness;
}

async function call(h: FaultHarness, body: unknown) {
  const exchange = h.post(CHAT, body);
  const head = await exchange.head;
  const text = await exchange.done;
  let json: { error?: { message: string; code: string } } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  return { ...head, text, error: json?.error, sse: readClientSse(text) };
}

describe('Ollama NDJSON faults', () => {
  it('S16: an Ollama that never answers gets 504 at the first-byte deadline and its socket closed', async () => {
    const h = await start({ params: 'timeout: 0.3' });
    h.mock.script({ kind: 'hang-before-headers' });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.status).toBe(504);
    expect(res.error?.code).toBe('upstream_timeout');
    await h.mock.waitForClientClose(0);
  });

  it('S17: a stall after two lines gives the client those deltas, an error event and [DONE]', async () => {
    const h = await start({ params: 'stream_timeout: 0.3' });
    h.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.sse.content).toBe('Hello,');
    expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_stalled']);
    expect(res.sse.endsWithDone).toBe(true);
    await h.mock.waitForClientClose(0);
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'upstream_stalled', outputChars: 'Hello,'.length });
  });

  it.each([
    ['ends without its done:true line', { kind: 'truncate-after-n-chunks', n: 2 } as const],
    ['is reset', { kind: 'reset-after-n-chunks', n: 2 } as const],
  ])('S18: a stream that %s after two lines ends with an error event and the gateway keeps serving', async (_name, behaviour) => {
    const h = await start();
    h.mock.script(behaviour);
    const res = await call(h, chatBody({ stream: true }));
    expect(res.sse.content).toBe('Hello,');
    expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_bad_response']);
    expect(res.sse.endsWithDone).toBe(true);
    const next = await call(h, chatBody({ stream: true }));
    expect(next.sse.content).toBe(HELLO);
  });

  it('an in-band {"error": ...} line mid-stream becomes an error event after the deltas before it', async () => {
    const h = await start();
    h.mock.script({ kind: 'in-band-error' });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.sse.content).toBe('Hello,');
    expect(res.sse.errors).toHaveLength(1);
    expect(res.sse.errors[0]?.code).toBe('upstream_error');
    expect(res.sse.errors[0]?.message).toContain(IN_BAND_ERROR_MESSAGE);
    expect(res.sse.endsWithDone).toBe(true);
  });

  it('an in-band error line reaches the client sanitised: no URL, no control characters, short', async () => {
    const h = await start();
    h.mock.script({ kind: 'in-band-error', message: `llama runner crashed\n\u0000 see http://10.0.0.7:11434/debug?x=1 ${'x'.repeat(400)}` });
    const res = await call(h, chatBody({ stream: true }));
    const message = res.sse.errors[0]?.message ?? '';
    expect(message).toContain('llama runner crashed');
    expect(message).not.toContain('10.0.0.7');
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message.length).toBeLessThanOrEqual(400);
  });

  it.each([
    ['a line that is not JSON', 'non-json'],
    ['a line with truncated JSON', 'truncated-json'],
  ] as const)('S21: %s is a clean error event, never an unguarded JSON.parse', async (_name, variant) => {
    const h = await start();
    h.mock.script({ kind: 'garbage-sse', variant });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.sse.content).toBe('Hello');
    expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_bad_response']);
    expect(res.text).not.toContain('this is not json');
    expect(res.sse.endsWithDone).toBe(true);
  });

  it('S21: a 20 MiB NDJSON line without a newline fails at the default 16 MiB line cap and the upstream is cut off', async () => {
    const h = await start();
    h.mock.script({ kind: 'huge-line', bytes: 20 * 1024 * 1024 });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.sse.errors.map((e) => e.code)).toEqual(['upstream_response_too_large']);
    expect(res.sse.errors[0]?.message).toBe('Upstream sent a stream line larger than 16 MiB');
    expect(res.text.length).toBeLessThan(4096);
    await h.mock.waitForClientClose(0);
  });

  it('S21: a non-stream body that is not JSON is a clean 502', async () => {
    const h = await start();
    h.mock.script({ kind: 'garbage-sse', variant: 'non-json' });
    const res = await call(h, chatBody());
    expect(res.status).toBe(502);
    expect(res.error?.code).toBe('upstream_bad_response');
    expect(res.text).not.toContain('this is not json');
  });

  it("relays Ollama's own 404 for a model that is not pulled, with its message as a short excerpt", async () => {
    const h = await start();
    h.mock.script({ kind: 'status', status: 404, body: { error: 'model "up-model" not found, try pulling it first' } });
    const res = await call(h, chatBody());
    expect(res.status).toBe(404);
    expect(res.error?.code).toBe('upstream_invalid_request');
    expect(res.error?.message).toContain('not found, try pulling it first');
  });

  it('S22: characters and lines split across TCP writes arrive exact, streamed and not', async () => {
    const h = await start();
    h.mock.script([{ kind: 'split-utf8' }, { kind: 'split-utf8' }]);
    const streamed = await call(h, chatBody({ stream: true }));
    expect(streamed.sse.content).toBe(SPLIT_UTF8_CONTENT);
    expect(streamed.sse.errors).toEqual([]);
    expect(streamed.text).not.toContain('\uFFFD');
    const plain = await call(h, chatBody());
    expect(JSON.parse(plain.text)).toMatchObject({ choices: [{ message: { content: SPLIT_UTF8_CONTENT } }] });
  });

  it('S22: CRLF line endings decode to the normal answer', async () => {
    const h = await start();
    h.mock.script({ kind: 'garbage-sse', variant: 'crlf' });
    const res = await call(h, chatBody({ stream: true }));
    expect(res.sse.content).toBe(HELLO);
    expect(res.sse.errors).toEqual([]);
    expect(res.sse.endsWithDone).toBe(true);
  });

  it('S24: a client that leaves mid-stream makes the gateway close the Ollama socket', async () => {
    const h = await start();
    h.mock.script({ kind: 'stall-after-n-chunks', n: 1 });
    const exchange = h.post(CHAT, chatBody({ stream: true }));
    await exchange.waitFor((text) => text.includes('"Hello"'));
    exchange.disconnect();
    await h.mock.waitForClientClose(0);
    expect(h.mock.requests[0]?.aborted).toBe(true);
    const [finished] = await h.meter.waitForFinished(1);
    expect(finished).toMatchObject({ status: 'client_aborted' });
  });
});
