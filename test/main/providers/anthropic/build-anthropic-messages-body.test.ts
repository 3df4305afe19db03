import { describe, expect, it } from 'vitest';
import { buildAnthropicMessagesBody } from '../../../../main/providers/anthropic/build-anthropic-messages-body.js';
import { testDeployment } from '../test-deployment.js';
import { expectGatewayError } from '../expect-gateway-error.js';

const messages = [{ role: 'user', content: 'Hi' }];

describe('buildAnthropicMessagesBody', () => {
  it('builds a Messages API body with the deployment model, sampling params, stop_sequences and user', () => {
    const body = buildAnthropicMessagesBody(
      { model: 'public-model', messages: [{ role: 'system', content: 'Be brief' }, ...messages], temperature: 0.2, top_p: 0.9, top_k: 5, stop: 'END', user: 'user-42', seed: 7, presence_penalty: 0.5 },
      testDeployment(),
      true,
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4096,
      system: [{ type: 'text', text: 'Be brief' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
    });
  });

  it.each([
    [{}, {}, 4096],
    [{}, { maxOutputTokens: 1024 }, 1024],
    [{ max_tokens: 300 }, {}, 300],
    [{ max_tokens: 300, max_completion_tokens: 500 }, {}, 500],
    [{ max_tokens: 100000 }, { maxOutputTokens: 1024 }, 100000],
  ])('sets max_tokens from %j with deployment %j to %i', (params, deployment, expected) => {
    expect(buildAnthropicMessagesBody({ messages, ...params }, testDeployment(deployment), false).max_tokens).toBe(expected);
  });

  it('maps reasoning_effort to a thinking budget and leaves room for the answer', () => {
    const body = buildAnthropicMessagesBody({ messages, reasoning_effort: 'high' }, testDeployment(), false);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(body.max_tokens).toBe(8192);
  });

  it('maps reasoning_effort to adaptive thinking and output_config.effort on Claude 4.6+', () => {
    const body = buildAnthropicMessagesBody({ messages, reasoning_effort: 'low' }, testDeployment({ upstreamModel: 'claude-opus-4-7' }), false);
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body.output_config).toEqual({ effort: 'low' });
    expect(body.max_tokens).toBe(4096);
  });

  it('rejects an explicit max_tokens that does not exceed the thinking budget', () => {
    const error = expectGatewayError(() => buildAnthropicMessagesBody({ messages, reasoning_effort: 'medium', max_tokens: 2048 }, testDeployment(), false), 'invalid_request');
    expect(error.param).toBe('max_tokens');
  });

  it('maps response_format json_schema to output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const body = buildAnthropicMessagesBody({ messages, response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }, testDeployment(), false);
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('passes tools and tool_choice through the tool converter', () => {
    const body = buildAnthropicMessagesBody({ messages, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'required' }, testDeployment(), false);
    expect(body.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(body.tool_choice).toEqual({ type: 'any' });
  });

  it('never forwards fields it does not know, such as routing or provider-specific extras', () => {
    const body = buildAnthropicMessagesBody({ messages, metadata: { trace: 'x' }, store: true, service_tier: 'auto', logit_bias: { 1: 2 } }, testDeployment(), false);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it.each([
    ['n > 1', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['audio output', { audio: { voice: 'alloy', format: 'wav' } }],
    ['JSON mode', { response_format: { type: 'json_object' } }],
    ['a non-string stop', { stop: [1] }],
  ])('rejects %s with a 400', (_label, params) => {
    expectGatewayError(() => buildAnthropicMessagesBody({ messages, ...params }, testDeployment(), false), 'invalid_request');
  });
});
