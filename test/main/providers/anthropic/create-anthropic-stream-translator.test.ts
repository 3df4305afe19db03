import { describe, expect, it } from 'vitest';
import { createAnthropicStreamTranslator } from '../../../../main/providers/anthropic/create-anthropic-stream-translator.js';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { foldStream, readFixture, runStreamFixture } from '../run-stream-fixture.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const identity = { id: 'chatcmpl-req-1', model: 'public-model', created: 1_700_000_000 };
const run = (fixture: string) => runStreamFixture(createAnthropicStreamTranslator(identity), readFixture(`anthropic/${fixture}`));

describe('createAnthropicStreamTranslator', () => {
  it('translates the documented text stream (with a ping) into OpenAI chunks, a usage chunk and done', () => {
    const { outputs, error } = run('text-with-ping.sse');
    expect(error).toBeUndefined();
    const folded = foldStream(outputs);
    expect(folded.role).toBe('assistant');
    expect(folded.content).toBe('Hello!');
    expect(folded.finishReasons).toEqual(['stop']);
    // Usage is reported as it becomes known (message_start, message_delta); the last is final.
    expect(folded.usage[0]).toMatchObject({ promptTokens: 25 });
    expect(folded.usage.at(-1)).toEqual({ promptTokens: 25, completionTokens: 15, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 });
    expect(folded.done).toBe(1);
    expect(outputs.at(-1)).toEqual({ type: 'done' });
    for (const chunk of folded.chunks) {
      expect(chunk).toMatchObject({ id: 'chatcmpl-req-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'public-model' });
    }
    expect(folded.chunks[0]).toEqual({
      id: 'chatcmpl-req-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'public-model',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    });
  });

  it('ends with a usage-only chunk carrying prompt, cached and cache-creation tokens', () => {
    const folded = foldStream(run('tool-call-split-over-many-deltas.sse').outputs);
    expect(folded.usageChunks).toHaveLength(1);
    expect(folded.usageChunks[0]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 472 + 2048 + 100,
        completion_tokens: 89,
        total_tokens: 472 + 2048 + 100 + 89,
        prompt_tokens_details: { cached_tokens: 2048, cache_creation_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(folded.usage.at(-1)).toEqual({ promptTokens: 2620, completionTokens: 89, cachedTokens: 2048, cacheCreationTokens: 100, reasoningTokens: 0 });
  });

  it('reassembles a tool call split over many input_json_delta events at the right tool index', () => {
    const folded = foldStream(run('tool-call-split-over-many-deltas.sse').outputs);
    expect(folded.content).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(folded.toolCalls).toEqual([
      { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' },
      { id: 'toolu_01Q3tKwd9QZ1bqEekVXv2Nbj', name: 'get_time', arguments: '{"tz": "America/Los_Angeles"}' },
    ]);
    expect(JSON.parse(folded.toolCalls[0]!.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(folded.finishReasons).toEqual(['tool_calls']);
  });

  it('gives a tool called without arguments "{}" so clients can parse it', () => {
    const folded = foldStream(run('tool-call-without-arguments.sse').outputs);
    expect(folded.toolCalls).toEqual([{ id: 'toolu_01NoArgsCall000000000000', name: 'list_files', arguments: '{}' }]);
    expect(folded.finishReasons).toEqual(['tool_calls']);
  });

  it('surfaces thinking as reasoning_content, then the signed block, then the answer text', () => {
    const { outputs, error } = run('thinking-then-text.sse');
    expect(error).toBeUndefined();
    const folded = foldStream(outputs);
    const thinking = 'I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147\n462 = 3 × 147 + 21\n147 = 7 × 21 + 0\n\nSo GCD = 21.';
    expect(folded.reasoning).toBe(thinking);
    expect(folded.thinkingBlocks).toEqual([{ type: 'thinking', thinking, signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' }]);
    expect(folded.content).toBe('The greatest common divisor of 1071 and 462 is **21**.');
    const firstContent = folded.chunks.findIndex((c) => ((c.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '') !== '');
    const lastReasoning = folded.chunks.findLastIndex((c) => (c.choices as { delta: { reasoning_content?: string } }[])[0]?.delta.reasoning_content !== undefined);
    expect(lastReasoning).toBeLessThan(firstContent);
  });

  it('throws upstream_error with the provider message when an error event arrives mid-stream', () => {
    const { outputs, error } = run('error-event-mid-stream.sse');
    expect(foldStream(outputs).content).toBe('Once upon a time');
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_error', retryable: false });
    expect((error as GatewayError).message).toContain('overloaded_error: Overloaded');
  });

  it('marks a transient error event retryable when nothing was emitted yet', () => {
    const { outputs, error } = run('error-event-before-any-content.sse');
    expect(outputs).toEqual([]);
    expect(error).toMatchObject({ code: 'upstream_error', retryable: true });
  });

  it('caps the upstream error message it repeats at 200 characters', () => {
    const translator = createAnthropicStreamTranslator(identity);
    const error = expectGatewayError(() => translator.push({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'x'.repeat(5000) } }) }), 'upstream_error');
    expect(error.message.length).toBeLessThan(300);
  });

  it('throws upstream_bad_response "stream ended early" when the stream is cut before message_stop', () => {
    const { outputs, error } = run('stream-cut-without-message-stop.sse');
    expect(foldStream(outputs).content).toBe('Partial answ');
    expect(foldStream(outputs).done).toBe(0);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_bad_response' });
    expect((error as GatewayError).message).toContain('ended early');
  });

  it.each([
    ['a non-JSON data line', 'not json {'],
    ['a JSON array', '[1,2]'],
    ['a delta for a block that never started', '{"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"x"}}'],
    ['a block event without an index', '{"type":"content_block_start","content_block":{"type":"text","text":""}}'],
  ])('throws upstream_bad_response on %s', (_label, data) => {
    const translator = createAnthropicStreamTranslator(identity);
    translator.push({ event: 'message_start', data: '{"type":"message_start","message":{"usage":{"input_tokens":1}}}' });
    expectGatewayError(() => translator.push({ data }), 'upstream_bad_response');
  });

  it('ignores unknown event and delta types, as Anthropic\'s versioning policy asks', () => {
    const translator = createAnthropicStreamTranslator(identity);
    translator.push({ event: 'message_start', data: '{"type":"message_start","message":{"usage":{"input_tokens":1}}}' });
    expect(translator.push({ event: 'brand_new_event', data: '{"type":"brand_new_event"}' })).toEqual([]);
    translator.push({ event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}' });
    expect(translator.push({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}' })).toEqual([]);
  });
});
