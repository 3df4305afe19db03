import { describe, expect, it } from 'vitest';
import { createGeminiAdapter } from '../../../main/providers/gemini-adapter.js';
import { testTarget } from './test-deployment.js';
import { expectGatewayError } from './expect-gateway-error.js';
import { foldStream, readFixture, runStreamFixture } from './run-stream-fixture.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const adapter = createGeminiAdapter({ nowMs: () => 1_700_000_000_900 });
const gemini = { provider: 'gemini', protocol: 'gemini' as const, upstreamModel: 'gemini-2.5-flash', apiBase: 'https://generativelanguage.googleapis.com', origin: 'https://generativelanguage.googleapis.com' };
const target = (overrides = {}, key: string | null = 'AIza-test-key') => testTarget({ ...gemini, ...overrides }, key);
const chat = { model: 'public-model', messages: [{ role: 'user', content: 'Hi' }] };

describe('createGeminiAdapter', () => {
  it('serves chat and embeddings', () => {
    expect(adapter.protocol).toBe('gemini');
    expect(adapter.streamFraming).toBe('sse');
    expect(['chat', 'completions', 'embeddings'].map((e) => adapter.supports(e as 'chat'))).toEqual([true, false, true]);
    expectGatewayError(() => adapter.buildRequest('completions', { prompt: 'x' }, target(), false), 'invalid_request');
  });

  it('calls generateContent with the key in x-goog-api-key and never in the URL', () => {
    const call = adapter.buildRequest('chat', chat, target(), false);
    expect(call).toMatchObject({ method: 'POST', path: '/v1beta/models/gemini-2.5-flash:generateContent' });
    expect(call.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', 'x-goog-api-key': 'AIza-test-key' });
    expect(call.path).not.toContain('key=');
    expect(call.path).not.toContain('AIza');
    expect(upstreamCallJson(call)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('streams from streamGenerateContent?alt=sse', () => {
    const call = adapter.buildRequest('chat', chat, target(), true);
    expect(call.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(call.headers.accept).toBe('text/event-stream');
  });

  it('accepts a "models/" prefix and an api_base that already ends in the API version', () => {
    expect(adapter.buildRequest('chat', chat, target({ upstreamModel: 'models/gemini-2.0-flash', apiBase: 'https://proxy.example/v1beta' }), false).path)
      .toBe('/models/gemini-2.0-flash:generateContent');
  });

  it.each(['gemini-pro/../../v1/files', 'gemini-pro?key=x', 'gemini-pro#frag', 'a/b', 'gemini..pro', 'gemini-pro:embedContent', ''])(
    'refuses to put the model name %j into a URL',
    (upstreamModel) => {
      expectGatewayError(() => adapter.buildRequest('chat', chat, target({ upstreamModel }), false), 'internal_error');
    },
  );

  it('sends no key header when the deployment has no key', () => {
    expect(adapter.buildRequest('chat', chat, target({}, null), false).headers['x-goog-api-key']).toBeUndefined();
  });

  it('translates a response with thoughts and a function call into an OpenAI chat.completion', () => {
    const json = {
      candidates: [{
        content: { role: 'model', parts: [
          { text: 'Thinking about the weather tool.', thought: true },
          { text: 'Let me check.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig' },
        ] },
        finishReason: 'STOP',
        index: 0,
      }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30, cachedContentTokenCount: 64, totalTokenCount: 150 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'abc',
    };
    const parsed = adapter.parseResponse('chat', json, target(), JSON.stringify(json), 'req-5');
    expect(parsed.body).toEqual({
      id: 'chatcmpl-req-5',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'public-model',
      choices: [{
        index: 0,
        message: {
          role: 'assistant',
          content: 'Let me check.',
          reasoning_content: 'Thinking about the weather tool.',
          tool_calls: [{ id: 'call_req-5_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'sig' } } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 64, cache_creation_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 30 },
      },
    });
    expect(parsed.usage).toEqual({ promptTokens: 100, completionTokens: 50, cachedTokens: 64, cacheCreationTokens: 0, reasoningTokens: 30 });
  });

  it('answers a blocked prompt with empty content and finish_reason content_filter', () => {
    const parsed = adapter.parseResponse('chat', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5 } }, target(), '', 'r');
    expect(parsed.body.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' }]);
  });

  it.each([
    ['an error object', { error: { code: 500, message: 'Internal', status: 'INTERNAL' } }, 'upstream_error'],
    ['no candidates and no feedback', { usageMetadata: {} }, 'upstream_bad_response'],
    ['a string', 'oops', 'upstream_bad_response'],
  ] as const)('rejects a response with %s', (_label, json, code) => {
    expectGatewayError(() => adapter.parseResponse('chat', json, target(), '', 'r'), code);
  });

  it('streams with chatcmpl-<requestId> ids, the public model name and the injected clock', () => {
    const { outputs } = runStreamFixture(adapter.createStreamTranslator('chat', target(), 'req-8'), readFixture('gemini/text-with-cached-prompt.sse'));
    for (const chunk of foldStream(outputs).chunks) expect(chunk).toMatchObject({ id: 'chatcmpl-req-8', model: 'public-model', created: 1_700_000_000 });
  });

  it('embeds a list of inputs with one batchEmbedContents call and returns an OpenAI embedding list', () => {
    const call = adapter.buildRequest('embeddings', { model: 'public-model', input: ['a', 'b'], dimensions: 256 }, target({ upstreamModel: 'gemini-embedding-001' }), false);
    expect(call.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(call.headers['x-goog-api-key']).toBe('AIza-test-key');
    expect(upstreamCallJson(call)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 256 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 256 },
      ],
    });
    const parsed = adapter.parseResponse('embeddings', { embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }, target(), '', 'r');
    expect(parsed.body).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }, { object: 'embedding', index: 1, embedding: [0.3, 0.4] }],
      model: 'public-model',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(parsed.usage).toBeUndefined();
  });

  it('rejects token-id embedding inputs with a 400', () => {
    expectGatewayError(() => adapter.buildRequest('embeddings', { input: [[1, 2, 3]] }, target(), false), 'invalid_request');
  });

  it('extracts the provider message from a Gemini error body, bare or wrapped in an array', () => {
    const body = { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } };
    expect(adapter.extractErrorMessage(body)).toBe('API key not valid. Please pass a valid API key.');
    expect(adapter.extractErrorMessage([body])).toBe('API key not valid. Please pass a valid API key.');
    expect(adapter.extractErrorMessage({ message: 'x' })).toBeUndefined();
  });

  it('lists models with GET /v1beta/models, key in the header', () => {
    expect(adapter.buildModelsRequest!(target())).toEqual({
      method: 'GET', path: '/v1beta/models', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-goog-api-key': 'AIza-test-key' },
    });
  });
});
