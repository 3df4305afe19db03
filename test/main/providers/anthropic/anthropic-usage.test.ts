import { describe, expect, it } from 'vitest';
import { mergeAnthropicUsage, NO_ANTHROPIC_USAGE, readAnthropicUsage, toTokenUsage } from '../../../../main/providers/anthropic/anthropic-usage.js';

describe('readAnthropicUsage', () => {
  it('counts cache reads and writes as prompt tokens and keeps them apart for pricing', () => {
    expect(readAnthropicUsage({ input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50 })).toEqual({
      promptTokens: 1210, completionTokens: 50, cachedTokens: 1000, cacheCreationTokens: 200, reasoningTokens: 0,
    });
  });

  it('reads thinking tokens from output_tokens_details when Anthropic sends them', () => {
    expect(readAnthropicUsage({ input_tokens: 5, output_tokens: 300, output_tokens_details: { thinking_tokens: 240 } })).toMatchObject({ completionTokens: 300, reasoningTokens: 240 });
  });

  it.each([[null], [undefined], ['12'], [{ input_tokens: -3, output_tokens: 'many' }], [{ input_tokens: null, cache_read_input_tokens: null }]])(
    'counts missing or odd values in %j as zero',
    (usage) => {
      expect(readAnthropicUsage(usage)).toEqual({ promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 });
    },
  );

  it('lets a later message_delta replace only the counts it carries', () => {
    const start = mergeAnthropicUsage(NO_ANTHROPIC_USAGE, { input_tokens: 20, cache_read_input_tokens: 100, output_tokens: 1 });
    const end = mergeAnthropicUsage(start, { output_tokens: 42 });
    expect(toTokenUsage(end)).toEqual({ promptTokens: 120, completionTokens: 42, cachedTokens: 100, cacheCreationTokens: 0, reasoningTokens: 0 });
  });
});
