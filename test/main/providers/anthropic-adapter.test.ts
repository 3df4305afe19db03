import { describe, expect, it } from 'vitest';
import { ANTHROPIC_VERSION, createAnthropicAdapter } from '../../../main/providers/anthropic-adapter.js';
import { testTarget } from './test-deployment.js';
import { expectGatewayError } from './expect-gateway-error.js';
import { foldStream, readFixture, runStreamFixture } from './run-stream-fixture.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const adapter = createAnthropicAdapter({ nowMs: () => 1_700_000_000_500 });
const chat = { model: 'public-model', messages: [{ role: 'user', content: 'Hi' }] };

describe('createAnthropicAdapter', () => {
  it('serves chat completions only', () => {
    expect(adapter.protocol).toBe('anthropic');
    expect(adapter.streamFraming).toBe('sse');
    expect(['chat', 'completions', 'embeddings'].map((e) => adapter.supports(e as 'chat'))).toEqual([true, false, false]);
    expectGatewayError(() => adapter.buildRequest('embeddings', { input: 'x' }, testTarget(), false), 'invalid_request');
  });

  it('posts to /v1/messages with x-api-key and anthropic-version, never an Authorization header', () => {
    const call = adapter.buildRequest('chat', chat, testTarget(), false);
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/v1/messages');
    expect(call.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', 'anthropic-version': ANTHROPIC_VERSION, 'x-api-key': 'sk-test-key' });
    expect(ANTHROPIC_VERSION).toBe('2023-06-01');
    expect(upstreamCallJson(call)).toMatchObject({ model: 'claude-sonnet-4-5-20250929', max_tokens: 4096 });
  });

  it('asks for an event stream when streaming and accepts an api_base that already ends in /v1', () => {
    const call = adapter.buildRequest('chat', chat, testTarget({ apiBase: 'https://gateway.example/anthropic/v1' }), true);
    expect(call.path).toBe('/messages');
    expect(call.headers.accept).toBe('text/event-stream');
    expect(upstreamCallJson(call).stream).toBe(true);
  });

  it('sends no key header when the deployment has no key', () => {
    expect(adapter.buildRequest('chat', chat, testTarget({}, null), false).headers['x-api-key']).toBeUndefined();
  });

  it('translates a response with text, thinking and tool_use into an OpenAI chat.completion', () => {
    const json = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig123' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'San Francisco, CA' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 2095, output_tokens: 503, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 },
    };
    const parsed = adapter.parseResponse('chat', json, testTarget(), JSON.stringify(json), 'req-9');
    expect(parsed.body).toEqual({
      id: 'chatcmpl-req-9',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'public-model',
      choices: [{
        index: 0,
        message: {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Need the weather tool.',
          thinking_blocks: [{ type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig123' }],
          tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: {
        prompt_tokens: 3145,
        completion_tokens: 503,
        total_tokens: 3648,
        prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 50 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(parsed.usage).toEqual({ promptTokens: 3145, completionTokens: 503, cachedTokens: 1000, cacheCreationTokens: 50, reasoningTokens: 0 });
    expect(parsed.raw).toBeUndefined();
  });

  it('returns null content when the answer is only tool calls', () => {
    const json = { type: 'message', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }], stop_reason: 'tool_use', usage: { input_tokens: 1, output_tokens: 1 } };
    const message = (adapter.parseResponse('chat', json, testTarget(), '', 'r').body.choices as { message: { content: unknown } }[])[0]!.message;
    expect(message.content).toBeNull();
  });

  it.each([
    ['a non-object body', 'oops', 'upstream_bad_response'],
    ['a message without content', { type: 'message' }, 'upstream_bad_response'],
    ['an error body with status 200', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'upstream_error'],
  ] as const)('rejects %s', (_label, json, code) => {
    expectGatewayError(() => adapter.parseResponse('chat', json, testTarget(), '', 'r'), code);
  });

  it('streams with chatcmpl-<requestId> ids, the public model name and the injected clock', () => {
    const { outputs } = runStreamFixture(adapter.createStreamTranslator('chat', testTarget(), 'req-7'), readFixture('anthropic/text-with-ping.sse'));
    for (const chunk of foldStream(outputs).chunks) expect(chunk).toMatchObject({ id: 'chatcmpl-req-7', model: 'public-model', created: 1_700_000_000 });
  });

  it('extracts the provider message from an Anthropic error body', () => {
    expect(adapter.extractErrorMessage({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } })).toBe('max_tokens: Field required');
    expect(adapter.extractErrorMessage({ error: 'nope' })).toBeUndefined();
    expect(adapter.extractErrorMessage('<html>')).toBeUndefined();
  });

  it('lists models with GET /v1/models and the same auth headers', () => {
    expect(adapter.buildModelsRequest!(testTarget())).toEqual({
      method: 'GET',
      path: '/v1/models',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-test-key' },
    });
  });
});
