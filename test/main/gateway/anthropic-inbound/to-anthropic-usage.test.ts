import { describe, expect, it } from 'vitest';
import { toAnthropicUsage } from '../../../../main/gateway/anthropic-inbound/to-anthropic-usage.js';

describe('to-anthropic-usage', () => {
  it.each([
    [{ promptTokens: 1200, completionTokens: 57, cachedTokens: 1024, cacheCreationTokens: 0, reasoningTokens: 12 }, { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 57 }],
    [{ promptTokens: 500, completionTokens: 10, cachedTokens: 100, cacheCreationTokens: 300, reasoningTokens: 0 }, { input_tokens: 100, cache_creation_input_tokens: 300, cache_read_input_tokens: 100, output_tokens: 10 }],
    [{ promptTokens: 42, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 }, { input_tokens: 42, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 }],
    // A server that reports more cached than prompt tokens must not produce a negative count.
    [{ promptTokens: 10, completionTokens: 1, cachedTokens: 20, cacheCreationTokens: 0, reasoningTokens: 0 }, { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 20, output_tokens: 1 }],
  ])('maps %j to %j (input excludes cache reads and writes)', (usage, expected) => {
    expect(toAnthropicUsage(usage)).toEqual(expected);
  });
});
