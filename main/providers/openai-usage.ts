// Reads an OpenAI-format `usage` object into canonical TokenUsage. Tolerates missing or odd
// fields (OpenAI-compatible servers vary): anything not a finite non-negative number counts 0.
import type { TokenUsage } from './provider-adapter.js';
import { isRecord } from './parse-json-safely.js';

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

export function readOpenAIUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const prompt = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return {
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    cachedTokens: count(prompt.cached_tokens),
    cacheCreationTokens: count(prompt.cache_creation_tokens),
    reasoningTokens: count(completion.reasoning_tokens),
  };
}

export function toOpenAIUsage(usage: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
