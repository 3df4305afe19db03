import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  TOOL_USE_OVERHEAD_TOKENS,
  countAnthropicTokens,
} from '../../../../main/gateway/anthropic-inbound/count-anthropic-tokens.js';
import { parseAnthropicCountTokensRequest } from '../../../../main/gateway/anthropic-inbound/parse-anthropic-request.js';
import { loadFixture } from './anthropic-sdk-over-fake-fetch.js';

const count = (body: Record<string, unknown>) => countAnthropicTokens(parseAnthropicCountTokensRequest({ model: 'qwen3', ...body })).input_tokens;
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

describe('count-anthropic-tokens', () => {
  it('counts four characters of text per token plus a per-message overhead', () => {
    expect(count(user('a'.repeat(400)))).toBe(100 + MESSAGE_OVERHEAD_TOKENS);
  });

  it('counts the system prompt, string or blocks', () => {
    expect(count({ system: 'b'.repeat(40), ...user('') })).toBe(10 + MESSAGE_OVERHEAD_TOKENS);
    expect(count({ system: [{ type: 'text', text: 'b'.repeat(20) }, { type: 'text', text: 'c'.repeat(20) }], ...user('') })).toBe(10 + MESSAGE_OVERHEAD_TOKENS);
  });

  it('counts an image as a fixed attachment, never its base64 text', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(400_000) } };
    expect(count(user([image]))).toBe(ATTACHMENT_TOKENS + MESSAGE_OVERHEAD_TOKENS);
  });

  it('counts tool definitions with the tool-use overhead, and tool calls and results by their text', () => {
    const withoutTools = count({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r'.repeat(400) }] },
      ],
    });
    // 'q' + 'search' + '{"q":"x"}' + 400 result characters = 416 -> 104 tokens, plus 3 messages.
    expect(withoutTools).toBe(104 + 3 * MESSAGE_OVERHEAD_TOKENS);
    const tool = { name: 'search', input_schema: { type: 'object' } };
    const withTools = count({ messages: [{ role: 'user', content: '' }], tools: [tool] });
    expect(withTools).toBe(TOOL_USE_OVERHEAD_TOKENS + Math.ceil(JSON.stringify(tool).length / 4) + MESSAGE_OVERHEAD_TOKENS);
  });

  it('does not count thinking carried in history, which non-Anthropic models never see', () => {
    const thinking = { type: 'thinking', thinking: 't'.repeat(4000), signature: 's' };
    expect(count({ messages: [{ role: 'assistant', content: [thinking] }] })).toBe(MESSAGE_OVERHEAD_TOKENS);
  });

  it('answers at least 1 for an empty request', () => {
    expect(count({ messages: [] })).toBe(1);
  });

  it('gives a Claude Code request an estimate in the right range', () => {
    const estimate = countAnthropicTokens(parseAnthropicCountTokensRequest(loadFixture('claude-code-request-system-array-thinking-tools-round-trip.json'))).input_tokens;
    expect(estimate).toBeGreaterThan(TOOL_USE_OVERHEAD_TOKENS + 200);
    expect(estimate).toBeLessThan(TOOL_USE_OVERHEAD_TOKENS + 800);
  });
});
