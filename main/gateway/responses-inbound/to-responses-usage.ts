// The Responses API's usage object from canonical token counts. Both detail objects are always
// present with integer counts: Codex fails to parse a response.completed whose details lack
// `cached_tokens` / `reasoning_tokens` and reconnects in a loop (maximhq/bifrost#891).
import type { TokenUsage } from '../../providers/provider-adapter.js';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Canonical prompt tokens include cache reads, as Responses `input_tokens` do. */
export function toResponsesUsage(usage: TokenUsage): ResponsesUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
