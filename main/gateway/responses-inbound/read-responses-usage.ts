// Reads a Responses API `usage` object (input_tokens, output_tokens and their details) into
// canonical TokenUsage, for answers relayed from an upstream that serves /v1/responses itself.
// Tolerant like readOpenAIUsage: a missing or odd count is 0; never throws.
import type { TokenUsage } from '../../providers/provider-adapter.js';
import { isRecord } from '../../providers/parse-json-safely.js';

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

export function readResponsesUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const output = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    promptTokens: count(usage.input_tokens),
    completionTokens: count(usage.output_tokens),
    cachedTokens: count(input.cached_tokens),
    cacheCreationTokens: 0,
    reasoningTokens: count(output.reasoning_tokens),
  };
}
