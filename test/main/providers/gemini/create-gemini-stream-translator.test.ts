import { describe, expect, it } from 'vitest';
import { createGeminiStreamTranslator } from '../../../../main/providers/gemini/create-gemini-stream-translator.js';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { foldStream, readFixture, runStreamFixture } from '../run-stream-fixture.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const identity = { id: 'chatcmpl-req-1', model: 'public-model', created: 1_700_000_000 };
const run = (fixture: string, sliceSize?: number) =>
  runStreamFixture(createGeminiStreamTranslator(identity, 'req-1'), readFixture(`gemini/${fixture}`), sliceSize);

describe('createGeminiStreamTranslator', () => {
  it.each([1, 3, 7, 4096])('reassembles CRLF-framed text, with a character split across %i-byte reads, and ends with usage then done', (sliceSize) => {
    const { outputs, error } = run('text-with-cached-prompt.sse', sliceSize);
    expect(error).toBeUndefined();
    const folded = foldStream(outputs);
    expect(folded.role).toBe('assistant');
    expect(folded.content).toBe('Hello from Gemini 🌍, in three chunks.');
    expect(folded.finishReasons).toEqual(['stop']);
    expect(folded.usage).toEqual([{ promptTokens: 1200, completionTokens: 12, cachedTokens: 1024, cacheCreationTokens: 0, reasoningTokens: 0 }]);
    expect(folded.usageChunks[0]).toMatchObject({ choices: [], usage: { prompt_tokens: 1200, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 1024 } } });
    expect(outputs.at(-1)).toEqual({ type: 'done' });
    for (const chunk of folded.chunks) expect(chunk).toMatchObject({ id: 'chatcmpl-req-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'public-model' });
  });

  it('turns whole functionCall parts into tool calls with synthesised ids, indexes and thought signatures', () => {
    const folded = foldStream(run('function-calls-arrive-whole.sse').outputs);
    expect(folded.toolCalls).toEqual([
      { id: 'call_req-1_0', name: 'get_weather', arguments: '{"location":"San Francisco"}', extra: { google: { thought_signature: 'EpEgCo4gAb4+9vvWwdN+NkNiCCwrqvFI8uf9IiD2A47Bm4Sga0kUTm4e' } } },
      { id: 'call_req-1_1', name: 'get_time', arguments: '{}' },
    ]);
    expect(folded.finishReasons).toEqual(['tool_calls']);
    expect(folded.content).toBe('');
    expect(folded.usage[0]).toEqual({ promptTokens: 29, completionTokens: 15 + 804, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 804 });
  });

  it('surfaces thought parts as reasoning_content before the answer', () => {
    const folded = foldStream(run('thinking-then-text.sse').outputs);
    expect(folded.reasoning).toBe("**Counting letters**\n\nI'll go through strawberry letter by letter.");
    expect(folded.content).toBe('There are **3** "r"s in strawberry.');
    expect(folded.usage[0]).toMatchObject({ completionTokens: 29 + 256, reasoningTokens: 256 });
  });

  it('throws upstream_error with the provider message when an error object arrives mid-stream', () => {
    const { outputs, error } = run('error-event-mid-stream.sse');
    expect(foldStream(outputs).content).toBe('Once upon a time');
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_error' });
    expect((error as GatewayError).message).toContain('UNAVAILABLE: The model is overloaded');
  });

  it('marks a transient in-band error retryable only while nothing has been emitted', () => {
    const error = '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}';
    expect(expectGatewayError(() => createGeminiStreamTranslator(identity, 'r').push({ data: error }), 'upstream_error').retryable).toBe(true);
    expect(run('error-event-mid-stream.sse').error).toMatchObject({ retryable: false });
    const invalid = '{"error":{"code":400,"message":"Bad","status":"INVALID_ARGUMENT"}}';
    expect(expectGatewayError(() => createGeminiStreamTranslator(identity, 'r').push({ data: invalid }), 'upstream_error').retryable).toBe(false);
  });

  it('throws upstream_bad_response "stream ended early" when the stream is cut before a finishReason', () => {
    const { outputs, error } = run('stream-cut-without-finish-reason.sse');
    expect(foldStream(outputs).content).toBe('Partial answ');
    expect(error).toMatchObject({ code: 'upstream_bad_response' });
    expect((error as GatewayError).message).toContain('ended early');
  });

  it('finishes with content_filter when the prompt itself was blocked', () => {
    const { outputs, error } = run('prompt-blocked.sse');
    expect(error).toBeUndefined();
    const folded = foldStream(outputs);
    expect(folded.finishReasons).toEqual(['content_filter']);
    expect(folded.usage[0]).toMatchObject({ promptTokens: 17, completionTokens: 0 });
  });

  it('reports no usage rather than zero when Gemini sent none', () => {
    const translator = createGeminiStreamTranslator(identity, 'r');
    translator.push({ data: '{"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP","index":0}]}' });
    expect(translator.end()).toEqual([{ type: 'done' }]);
  });

  it.each([
    ['a non-JSON event', 'data: {"candid'],
    ['a JSON array', '[{"candidates":[]}]'],
    ['a functionCall without a name', '{"candidates":[{"content":{"parts":[{"functionCall":{"args":{}}}]}}]}'],
  ])('throws upstream_bad_response on %s', (_label, data) => {
    expectGatewayError(() => createGeminiStreamTranslator(identity, 'r').push({ data }), 'upstream_bad_response');
  });
});
