import { describe, expect, it } from 'vitest';
import { sendChatTurn } from '../../../../renderer/src/pages/playground/send-chat-turn.js';

/** A clock that moves only when told. */
function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('sendChatTurn', () => {
  it('returns the gateway\'s refusal with its status, code and message', async () => {
    const c = clock();
    const result = await sendChatTurn({
      send: async () => new Response(JSON.stringify({ error: { message: 'This key may not use model "gpt"', type: 'permission_error', code: 'model_not_allowed' } }), { status: 403, headers: { 'x-request-id': 'r1' } }),
      signal: new AbortController().signal, onText: () => undefined, now: c.now,
    });
    expect(result).toEqual({ kind: 'refused', status: 403, code: 'model_not_allowed', message: 'This key may not use model "gpt"', requestId: 'r1' });
  });

  it('measures time to first text and total time on the given clock', async () => {
    const c = clock();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      // pull, not start: start runs when the stream is built, before the request is sent.
      pull(controller) {
        c.advance(5);
        controller.enqueue(encoder.encode('data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'));
        controller.enqueue(encoder.encode('data: [DONE]\n\n'));
        controller.close();
      },
    });
    const texts: string[] = [];
    const result = await sendChatTurn({
      send: async () => {
        c.advance(20);
        return new Response(body, { headers: { 'x-request-id': 'r2' } });
      },
      signal: new AbortController().signal, onText: (t) => { texts.push(t); c.advance(1); }, now: c.now,
    });
    expect(texts).toEqual(['Hi']);
    expect(result).toMatchObject({ kind: 'answered', requestId: 'r2', streamError: null, timings: { firstTokenMs: 25, totalMs: 26 } });
  });

  it('ends as stopped, keeping the text so far, when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new TextEncoder().encode('data: {"choices":[{"index":0,"delta":{"content":"Part"}}]}\n\n'));
        controller.signal.addEventListener('abort', () => stream.error(new DOMException('aborted', 'AbortError')));
      },
    });
    const texts: string[] = [];
    const result = await sendChatTurn({
      send: async () => new Response(body),
      signal: controller.signal,
      onText: (t) => {
        texts.push(t);
        controller.abort();
      },
      now: clock().now,
    });
    expect(texts).toEqual(['Part']);
    expect(result.kind).toBe('stopped');
  });
});
