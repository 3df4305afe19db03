// Renders canonical TokenUsage as the OpenAI `usage` object of a translated response. Cache
// writes go in `prompt_tokens_details.cache_creation_tokens` (what readOpenAIUsage reads back),
// so Anthropic cache creation survives a hop through an OpenAI-format client. Pure.
import type { TokenUsage } from '../provider-adapter.js';

export function openAIUsageBody(usage: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens, cache_creation_tokens: usage.cacheCreationTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/** An upstream token count: anything but a finite non-negative number counts as 0. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}
