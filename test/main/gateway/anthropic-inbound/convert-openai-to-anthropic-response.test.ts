import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { convertOpenAIToAnthropicResponse } from '../../../../main/gateway/anthropic-inbound/convert-openai-to-anthropic-response.js';
import { anthropicClientAnswering, jsonResponse, loadFixture } from './anthropic-sdk-over-fake-fetch.js';

const OPTIONS = { requestedModel: 'qwen3-coder', messageId: 'msg_01Gw' };
const completion = (message: Record<string, unknown>, finishReason: string | null = 'stop', usage?: Record<string, unknown>) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1767225600,
  model: 'upstream-model-name',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  ...(usage === undefined ? {} : { usage }),
});

describe('convert-openai-to-anthropic-response', () => {
  it('orders thinking, text and tool_use, keeps tool ids, and keeps a truncated call whole', () => {
    const message = convertOpenAIToAnthropicResponse(loadFixture('openai-completion-reasoning-text-and-two-tool-calls-one-truncated.json'), OPTIONS);
    expect(message).toEqual({
      id: 'msg_01Gw',
      type: 'message',
      role: 'assistant',
      model: 'qwen3-coder',
      content: [
        { type: 'thinking', thinking: 'Two lookups are needed.', signature: '' },
        { type: 'text', text: "I'll look both up." },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { _raw_arguments: '{"city": "Ber' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      usage: { input_tokens: 644, cache_creation_input_tokens: 0, cache_read_input_tokens: 256, output_tokens: 80 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ])('maps finish_reason %j to stop_reason %s', (finishReason, stopReason) => {
    expect(convertOpenAIToAnthropicResponse(completion({ content: 'x' }, finishReason), OPTIONS).stop_reason).toBe(stopReason);
  });

  it('says tool_use when a server ends a tool-calling turn with "stop" (Ollama)', () => {
    const body = completion({ content: '', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'ls', arguments: '{}' } }] }, 'stop');
    const message = convertOpenAIToAnthropicResponse(body, OPTIONS);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'ls', input: {} }]);
  });

  it('gives calls without ids distinct ids derived from the message id', () => {
    const body = completion({
      content: null,
      tool_calls: [
        { type: 'function', function: { name: 'a', arguments: '' } },
        { id: '', type: 'function', function: { name: 'b', arguments: '{"x":1}' } },
      ],
    }, 'tool_calls');
    expect(convertOpenAIToAnthropicResponse(body, OPTIONS).content).toEqual([
      { type: 'tool_use', id: 'toolu_01Gw_0', name: 'a', input: {} },
      { type: 'tool_use', id: 'toolu_01Gw_1', name: 'b', input: { x: 1 } },
    ]);
  });

  it('reads reasoning from `reasoning` when `reasoning_content` is absent (OpenRouter, newer vLLM)', () => {
    expect(convertOpenAIToAnthropicResponse(completion({ content: 'hi', reasoning: 'think' }), OPTIONS).content[0]).toEqual({ type: 'thinking', thinking: 'think', signature: '' });
  });

  it('turns a refusal into text with stop_reason refusal', () => {
    const message = convertOpenAIToAnthropicResponse(completion({ content: null, refusal: "I can't help with that." }), OPTIONS);
    expect(message.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(message.stop_reason).toBe('refusal');
    expect(message.stop_details).toEqual({ type: 'refusal', category: null, explanation: null });
  });

  it('returns empty content for an empty answer rather than an empty text block', () => {
    expect(convertOpenAIToAnthropicResponse(completion({ content: '' }), OPTIONS).content).toEqual([]);
  });

  it('prefers the adapter usage (which knows cache writes) over the body usage', () => {
    const body = completion({ content: 'x' }, 'stop', { prompt_tokens: 1, completion_tokens: 1 });
    const usage = { promptTokens: 1000, completionTokens: 20, cachedTokens: 600, cacheCreationTokens: 300, reasoningTokens: 0 };
    expect(convertOpenAIToAnthropicResponse(body, { ...OPTIONS, usage }).usage).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 600,
      output_tokens: 20,
    });
  });

  it('reports zero usage when the upstream sent none', () => {
    expect(convertOpenAIToAnthropicResponse(completion({ content: 'x' }), OPTIONS).usage).toEqual({
      input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
  });

  it.each([[{}], [{ choices: [] }], [null], ['text']])('answers upstream_bad_response for a body without choices (%j)', (body) => {
    expect(() => convertOpenAIToAnthropicResponse(body, OPTIONS)).toThrow(GatewayError);
  });

  it('is accepted by the official SDK as a Message', async () => {
    const converted = convertOpenAIToAnthropicResponse(loadFixture('openai-completion-reasoning-text-and-two-tool-calls-one-truncated.json'), OPTIONS);
    const { client } = anthropicClientAnswering(() => jsonResponse(converted));
    const message = await client.messages.create({ model: 'qwen3-coder', max_tokens: 64, messages: [{ role: 'user', content: 'weather?' }] });
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage.cache_read_input_tokens).toBe(256);
  });
});
