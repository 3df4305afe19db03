import { describe, expect, it } from 'vitest';
import { TOOL_USE_OVERHEAD_TOKENS, countAnthropicTokens } from '../../../../main/gateway/anthropic-inbound/count-anthropic-tokens.js';
import { parseAnthropicCountTokensRequest } from '../../../../main/gateway/anthropic-inbound/parse-anthropic-request.js';
import { MEDIA_PART_TOKENS, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE, estimateTextTokens } from '../../../../main/core/estimate-tokens.js';
import { loadFixture } from './anthropic-sdk-over-fake-fetch.js';

const count = (body: Record<string, unknown>) => countAnthropicTokens(parseAnthropicCountTokensRequest({ model: 'qwen3', ...body })).input_tokens;
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
/** Framing for a request with `n` messages. */
const framing = (n: number) => REPLY_PRIMING_TOKENS + n * TOKENS_PER_MESSAGE;

describe('count-anthropic-tokens', () => {
  it('counts about four characters of text per token plus message framing', () => {
    expect(count(user('a'.repeat(400)))).toBe(100 + framing(1));
  });

  it('counts the system prompt, string or blocks', () => {
    expect(count({ system: 'b'.repeat(40), ...user('') })).toBe(10 + framing(1));
    expect(count({ system: [{ type: 'text', text: 'b'.repeat(20) }, { type: 'text', text: 'c'.repeat(20) }], ...user('') })).toBe(10 + framing(1));
  });

  it('counts an image as a fixed media cost, never its base64 text', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(400_000) } };
    expect(count(user([image]))).toBe(MEDIA_PART_TOKENS + framing(1));
  });

  it('adds the tool-use system prompt and the tool schemas when tools are present', () => {
    const tool = { name: 'search', input_schema: { type: 'object' } };
    expect(count({ ...user(''), tools: [tool] })).toBe(TOOL_USE_OVERHEAD_TOKENS + estimateTextTokens(JSON.stringify([tool])) + framing(1));
    expect(count({ ...user(''), tools: [] })).toBe(framing(1));
  });

  it('counts a tool round trip by its text', () => {
    const withResult = count({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: { q: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r'.repeat(4000) }] },
      ],
    });
    expect(withResult).toBeGreaterThanOrEqual(1000 + framing(2));
    expect(withResult).toBeLessThan(1020 + framing(2));
  });

  it('does not count thinking carried in history, which non-Anthropic models never see', () => {
    const thinking = { type: 'thinking', thinking: 't'.repeat(4000), signature: 'S'.repeat(400) };
    expect(count({ messages: [{ role: 'assistant', content: [thinking, { type: 'redacted_thinking', data: 'x'.repeat(400) }] }] })).toBe(framing(1));
  });

  it('gives a Claude Code request an estimate in the right range', () => {
    const estimate = countAnthropicTokens(parseAnthropicCountTokensRequest(loadFixture('claude-code-request-system-array-thinking-tools-round-trip.json'))).input_tokens;
    expect(estimate).toBeGreaterThan(TOOL_USE_OVERHEAD_TOKENS + 200);
    expect(estimate).toBeLessThan(TOOL_USE_OVERHEAD_TOKENS + 800);
  });
});
