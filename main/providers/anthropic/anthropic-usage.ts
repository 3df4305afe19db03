// Reads the Messages API's `usage` into canonical TokenUsage. Anthropic's input_tokens excludes
// cached prompt tokens, so prompt = input + cache reads + cache writes; cache reads and writes
// are kept apart because they are priced differently. Pure; tolerates missing fields (0).
import type { TokenUsage } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import { tokenCount } from '../openai-format/openai-usage-body.js';

/** The raw counters, merged across message_start and message_delta in a stream. */
export interface AnthropicUsageCounters {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
  thinking: number;
}

export const NO_ANTHROPIC_USAGE: AnthropicUsageCounters = Object.freeze({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0, thinking: 0 });

/** Fields present in `usage` replace those in `base` (message_delta counts are cumulative). */
export function mergeAnthropicUsage(base: AnthropicUsageCounters, usage: unknown): AnthropicUsageCounters {
  if (!isRecord(usage)) return base;
  const pick = (key: string, fallback: number) => (usage[key] === undefined || usage[key] === null ? fallback : tokenCount(usage[key]));
  const details = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input: pick('input_tokens', base.input),
    output: pick('output_tokens', base.output),
    cacheRead: pick('cache_read_input_tokens', base.cacheRead),
    cacheCreation: pick('cache_creation_input_tokens', base.cacheCreation),
    // output_tokens includes thinking; output_tokens_details.thinking_tokens (when sent) says how much.
    thinking: details.thinking_tokens === undefined ? base.thinking : tokenCount(details.thinking_tokens),
  };
}

export function toTokenUsage(counters: AnthropicUsageCounters): TokenUsage {
  return {
    promptTokens: counters.input + counters.cacheRead + counters.cacheCreation,
    completionTokens: counters.output,
    cachedTokens: counters.cacheRead,
    cacheCreationTokens: counters.cacheCreation,
    reasoningTokens: counters.thinking,
  };
}

export function readAnthropicUsage(usage: unknown): TokenUsage {
  return toTokenUsage(mergeAnthropicUsage(NO_ANTHROPIC_USAGE, usage));
}
