// relayStream's writes: each upstream read is one write, a read that ends the answer ends the
// response in the same turn (so on a real socket, whose writes Node corks until the end of the
// turn, a whole short answer leaves in one socket write), and a full socket buffer still pauses
// the upstream.
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createOpenAISseEncoder, relayStream } from '../../../main/gateway/relay-stream.js';
import { createOpenAICompatibleAdapter } from '../../../main/providers/openai-compatible-adapter.js';
import type { UpstreamResponse } from '../../../main/providers/upstream-client.js';
import { testTarget } from '../providers/test-deployment.js';
import { sseFrame, SSE_DONE_FRAME } from '../../support/sse-frames.js';

const chunk = (content: string, finish: string | null = null) =>
  sseFrame({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

/** A reply whose socket records each write; `full` makes writes report a full buffer. */
function fakeReply(full = false) {
  const writes: string[] = [];
  const ends: string[] = [];
  let drainWaits = 0;
  const listeners = new Map<string, () => void>();
  const raw = {
    writableEnded: false,
    destroyed: false,
    writeHead() {},
    // Marks where the head went out on its own (otherwise it goes with the first write).
    flushHeaders() {
      writes.push('<head>');
    },
    write(text: string) {
      writes.push(text);
      return !full;
    },
    end(text: string) {
      writes.push(text);
      ends.push(text);
      raw.writableEnded = true;
    },
    once(event: string, listener: () => void) {
      listeners.set(event, listener);
      // The client reads at once: every wait for 'drain' ends on the next tick.
      if (event === 'drain') {
        drainWaits++;
        setImmediate(listener);
      }
      return raw;
    },
    removeListener(event: string) {
      listeners.delete(event);
      return raw;
    },
  };
  const reply = { raw, getHeaders: () => ({}), hijack() {} } as unknown as FastifyReply;
  return { reply, writes, ends: () => ends, drainWaits: () => drainWaits };
}

function relayBody(reply: FastifyReply, body: Readable) {
  const adapter = createOpenAICompatibleAdapter();
  return relayStream({
    reply, headers: {}, reader: adapter, endpoint: 'chat', target: testTarget(), requestId: 'r1',
    body: body as unknown as UpstreamResponse['body'],
    encoder: createOpenAISseEncoder(false), signal: new AbortController().signal, onFirstContent() {},
  });
}

function relay(reply: FastifyReply, reads: string[], firstReadAfterMs = 0) {
  const adapter = createOpenAICompatibleAdapter();
  async function* upstream() {
    if (firstReadAfterMs > 0) await new Promise((resolve) => setTimeout(resolve, firstReadAfterMs));
    for (const read of reads) yield Buffer.from(read);
  }
  return relayStream({
    reply, headers: {}, reader: adapter, endpoint: 'chat', target: testTarget(), requestId: 'r1',
    body: Readable.from(upstream()) as unknown as UpstreamResponse['body'],
    encoder: createOpenAISseEncoder(false), signal: new AbortController().signal, onFirstContent() {},
  });
}

describe('relayStream', () => {
  it('writes each upstream read in one write, and ends in the turn of the read that ended the answer', async () => {
    const { reply, writes, ends } = fakeReply();
    const first = chunk('Hel') + chunk('lo') + chunk('!');
    const second = chunk(' there') + chunk('', 'stop');
    const result = await relay(reply, [first, second, SSE_DONE_FRAME]);
    expect(result.error).toBeUndefined();
    expect(result.outputChars).toBe('Hello! there'.length);
    expect(writes).toEqual([first, second, SSE_DONE_FRAME]);
    expect(ends()).toEqual([SSE_DONE_FRAME]);
  });

  it('sends the head on its own at once when the first token is slow to come', async () => {
    const { reply, writes } = fakeReply();
    const result = await relay(reply, [chunk('a', 'stop'), SSE_DONE_FRAME], 30);
    expect(result.error).toBeUndefined();
    expect(writes).toEqual(['<head>', chunk('a', 'stop'), SSE_DONE_FRAME]);
  });

  it('still waits for the client to drain a full buffer before reading on', async () => {
    const { reply, writes, drainWaits } = fakeReply(true);
    const result = await relay(reply, [chunk('a'), chunk('b', 'stop'), SSE_DONE_FRAME]);
    expect(result.error).toBeUndefined();
    // After the first frame's read and after the second's; [DONE] ends the stream with end().
    expect(drainWaits()).toBe(2);
    expect(writes).toEqual([chunk('a'), chunk('b', 'stop'), SSE_DONE_FRAME]);
  });

  it('writes the frames before a bad event ahead of the error event', async () => {
    const { reply, writes } = fakeReply();
    const result = await relay(reply, [chunk('a') + chunk('b') + 'data: not json\n\n']);
    expect(result.error?.code).toBe('upstream_bad_response');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.startsWith(chunk('a') + chunk('b') + 'data: {"error"')).toBe(true);
    expect(writes[0]!.endsWith(SSE_DONE_FRAME)).toBe(true);
  });

  it('reads an upstream whose end came with [DONE] to its end instead of destroying it (no abort errors)', async () => {
    const { reply, writes } = fakeReply();
    const body = new Readable({ read() {} });
    body.push(chunk('a', 'stop') + SSE_DONE_FRAME);
    body.push(null);
    const result = await relayBody(reply, body);
    expect(result.error).toBeUndefined();
    expect(writes.join('')).toBe(chunk('a', 'stop') + SSE_DONE_FRAME);
    expect(body.readableEnded).toBe(true);
    expect(body.errored).toBeNull();
  });

  it('stops reading an upstream that stays open after [DONE]', async () => {
    const { reply, writes } = fakeReply();
    const body = new Readable({ read() {} });
    body.push(chunk('a', 'stop') + SSE_DONE_FRAME);
    const result = await relayBody(reply, body);
    expect(result.error).toBeUndefined();
    expect(writes.join('')).toBe(chunk('a', 'stop') + SSE_DONE_FRAME);
    expect(body.destroyed).toBe(true);
  });

  it('never relays what an upstream sends after [DONE]', async () => {
    const { reply, writes } = fakeReply();
    const body = new Readable({ read() {} });
    body.push(chunk('a', 'stop') + SSE_DONE_FRAME);
    body.push(chunk('after'));
    body.push(null);
    const result = await relayBody(reply, body);
    expect(result.error).toBeUndefined();
    expect(writes.join('')).toBe(chunk('a', 'stop') + SSE_DONE_FRAME);
  });
});
