import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import {
  parseAnthropicCountTokensRequest,
  parseAnthropicMessagesRequest,
} from '../../../../main/gateway/anthropic-inbound/parse-anthropic-request.js';
import { anthropicMessagesRequestSchema } from '../../../../main/gateway/anthropic-inbound/anthropic-request-schema.js';
import { anthropicClientAnswering, jsonResponse, loadFixture } from './anthropic-sdk-over-fake-fetch.js';

const CLAUDE_CODE_REQUEST = 'claude-code-request-system-array-thinking-tools-round-trip.json';
const minimal = () => ({ model: 'qwen3', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] as unknown[] });

function rejection(body: unknown, parse: (body: unknown) => unknown = parseAnthropicMessagesRequest): GatewayError {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('parse-anthropic-request', () => {
  it('accepts a Claude Code request with a system array, cache_control, thinking, tools and a tool round trip', () => {
    const request = parseAnthropicMessagesRequest(loadFixture(CLAUDE_CODE_REQUEST));
    expect(request.model).toBe('claude-sonnet-4-5-20250929');
    expect(request.messages).toHaveLength(3);
    expect(request.thinking).toEqual({ type: 'enabled', budget_tokens: 31999 });
  });

  it('accepts exactly what the official SDK sends, including a base64 image and a document', async () => {
    const { client, requests } = anthropicClientAnswering(() => jsonResponse({}));
    await client.messages
      .create({
        model: 'qwen3',
        max_tokens: 100,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'A note.' }, title: 'note' },
              { type: 'text', text: 'Describe both.' },
            ],
          },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        tools: [{ name: 'describe', input_schema: { type: 'object', properties: {} } }],
        stop_sequences: ['END'],
        metadata: { user_id: 'u-1' },
      })
      .catch(() => undefined);
    expect(requests).toHaveLength(1);
    expect(() => parseAnthropicMessagesRequest(requests[0]!.body)).not.toThrow();
  });

  it('tolerates unknown top-level fields and content block types, keeping them as sent', () => {
    const body = { ...minimal(), context_management: { edits: [] }, speed: 'fast' };
    body.messages = [{ role: 'user', content: [{ type: 'future_block', payload: { a: 1 } }] }];
    const request = parseAnthropicMessagesRequest(body);
    expect((request as Record<string, unknown>).context_management).toEqual({ edits: [] });
    expect(request.messages[0]!.content).toEqual([{ type: 'future_block', payload: { a: 1 } }]);
  });

  it('accepts system turns inside messages (Claude Code skills list, litellm #36917)', () => {
    const body = minimal();
    body.messages = [{ role: 'system', content: [{ type: 'text', text: 'Skills: a, b' }] }, { role: 'user', content: 'go' }];
    expect(parseAnthropicMessagesRequest(body).messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'Skills: a, b' }] });
  });

  // S13: nothing in a request may choose the upstream, its key or its headers.
  it.each([
    ['api_base', { api_base: 'http://169.254.169.254' }],
    ['base_url', { base_url: 'http://evil.example' }],
    ['api_key', { api_key: 'sk-x' }],
    ['headers', { headers: { 'x-api-key': 'k' } }],
    ['extra_headers', { extra_headers: {} }],
    ['extra_body', { extra_body: { api_base: 'http://evil.example' } }],
    ['metadata.url', { metadata: { user_id: 'u', url: 'http://evil.example' } }],
    ['metadata.api_base', { metadata: { api_base: 'http://evil.example' } }],
    ['thinking.base_url', { thinking: { type: 'disabled', base_url: 'http://evil.example' } }],
  ])('refuses %s with forbidden_field 400 naming the field', (field, extra) => {
    const error = rejection({ ...minimal(), ...extra });
    expect(error.code).toBe('forbidden_field');
    expect(error.status).toBe(400);
    expect(error.param).toBe(field);
    expect(error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: is not accepted`));
    expect(error.message).not.toContain('evil.example');
  });

  it('refuses a routing field even when other fields are invalid too', () => {
    expect(rejection({ api_base: 'http://evil.example', messages: 5 }).code).toBe('forbidden_field');
  });

  it('makes the zod schema alone refuse routing fields as well', () => {
    const result = anthropicMessagesRequestSchema.safeParse({ ...minimal(), base_url: 'http://evil.example' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['base_url']);
  });

  it.each([
    ['no max_tokens', (b: Record<string, unknown>) => delete b.max_tokens, 'max_tokens: Field required', 'max_tokens'],
    ['max_tokens as a string', (b: Record<string, unknown>) => (b.max_tokens = '5'), 'max_tokens: expected number, received string', 'max_tokens'],
    ['a fractional max_tokens', (b: Record<string, unknown>) => (b.max_tokens = 1.5), 'max_tokens: expected int, received number', 'max_tokens'],
    ['no model', (b: Record<string, unknown>) => delete b.model, 'model: Field required', 'model'],
    ['a model with a control character', (b: Record<string, unknown>) => (b.model = 'qwen\n3'), 'model: must not contain control characters', 'model'],
    ['empty messages', (b: Record<string, unknown>) => (b.messages = []), 'messages: at least one message is required', 'messages'],
    ['a wrong role', (b: Record<string, unknown>) => (b.messages = [{ role: 'tool', content: 'x' }]), 'messages.0.role: Invalid discriminator value', 'messages.0.role'],
    ['content as a number', (b: Record<string, unknown>) => (b.messages = [{ role: 'user', content: 5 }]), 'messages.0.content: expected string or array, received number', 'messages.0.content'],
    ['a content block without type', (b: Record<string, unknown>) => (b.messages = [{ role: 'user', content: [{ text: 'a' }] }]), 'messages.0.content.0.type: Field required', 'messages.0.content.0.type'],
    ['a text block without text', (b: Record<string, unknown>) => (b.messages = [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text' }] }]), 'messages.0.content.1.text: Field required', 'messages.0.content.1.text'],
    [
      'an image with an unsupported media type',
      (b: Record<string, unknown>) => (b.messages = [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA==' } }] }]),
      'messages.0.content.0.source.media_type: Invalid option',
      'messages.0.content.0.source.media_type',
    ],
    [
      'a tool_result without tool_use_id',
      (b: Record<string, unknown>) => (b.messages = [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }]),
      'messages.0.content.0.tool_use_id: Field required',
      'messages.0.content.0.tool_use_id',
    ],
    [
      'a tool_use whose input is a string',
      (b: Record<string, unknown>) => (b.messages = [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }] }]),
      'messages.0.content.0.input: expected record, received string',
      'messages.0.content.0.input',
    ],
    ['temperature above 1', (b: Record<string, unknown>) => (b.temperature = 1.5), 'temperature: Too big', 'temperature'],
    ['a custom tool without input_schema', (b: Record<string, unknown>) => (b.tools = [{ name: 'x' }]), 'tools.0.input_schema: Field required', 'tools.0.input_schema'],
    ['tool_choice of an unknown type', (b: Record<string, unknown>) => (b.tool_choice = { type: 'required' }), 'tool_choice.type: Invalid discriminator value', 'tool_choice.type'],
    ['thinking enabled without a budget', (b: Record<string, unknown>) => (b.thinking = { type: 'enabled' }), 'thinking.budget_tokens: Field required', 'thinking.budget_tokens'],
    ['system as a number', (b: Record<string, unknown>) => (b.system = 7), 'system: expected string or array, received number', 'system'],
  ])('answers a 400 naming the field for %s', (_name, mutate, message, param) => {
    const body = minimal() as Record<string, unknown>;
    mutate(body);
    const error = rejection(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.param).toBe(param);
  });

  it.each([[null], ['text'], [[1, 2]]])('answers 400 when the body is not an object (%j)', (body) => {
    expect(rejection(body).message).toBe('The request body must be a JSON object');
  });

  it('accepts a count_tokens body without max_tokens and with no messages', () => {
    expect(parseAnthropicCountTokensRequest({ model: 'qwen3', messages: [] }).messages).toEqual([]);
  });

  it('still refuses routing fields on count_tokens', () => {
    expect(rejection({ model: 'qwen3', messages: [], api_key: 'x' }, parseAnthropicCountTokensRequest).code).toBe('forbidden_field');
  });
});
