import { describe, expect, it } from 'vitest';
import { readChatStream } from '../../../../renderer/src/pages/playground/read-chat-stream.js';

function sse(...frames: string[]): ReadableStream<Uint8Array> {
  return new Response(frames.map((f) => `data: ${f}\n\n`).join('')).body!;
}

const chunk = (delta: object, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], usage: null });

describe('readChatStream', () => {
  it('hands over each piece of text in order, then the usage and finish reason', async () => {
    const pieces: string[] = [];
    const outcome = await readChatStream(
      sse(chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }), '[DONE]'),
      (t) => pieces.push(t),
    );
    expect(pieces).toEqual(['Hel', 'lo']);
    expect(outcome).toEqual({ usage: { promptTokens: 10, completionTokens: 2 }, finishReason: 'stop', error: null, done: true });
  });

  it('reports the error event the gateway sends when a stream fails after it started', async () => {
    const outcome = await readChatStream(sse(chunk({ content: 'Par' }), JSON.stringify({ error: { message: 'Upstream stalled', type: 'api_error', code: 'upstream_stalled' } }), '[DONE]'), () => undefined);
    expect(outcome.error).toBe('Upstream stalled');
    expect(outcome.done).toBe(true);
  });

  it('ends with an error, not an exception, on a line that is not JSON', async () => {
    const pieces: string[] = [];
    const outcome = await readChatStream(sse(chunk({ content: 'a' }), '{"choices":[', chunk({ content: 'b' })), (t) => pieces.push(t));
    expect(pieces).toEqual(['a']);
    expect(outcome.error).toMatch(/not JSON/);
  });

  it('says when the stream ended without [DONE]', async () => {
    const outcome = await readChatStream(sse(chunk({ content: 'a' })), () => undefined);
    expect(outcome).toMatchObject({ done: false, usage: null, error: null });
  });
});
