// Canonical TokenUsage -> Anthropic `usage`. Anthropic's input_tokens excludes tokens read from
// or written to the prompt cache (they are reported beside it), whereas the canonical
// promptTokens, like OpenAI's prompt_tokens, includes them. Never reports a negative count.
import type { TokenUsage } from '../../providers/provider-adapter.js';

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export function toAnthropicUsage(usage: TokenUsage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.promptTokens - usage.cachedTokens - usage.cacheCreationTokens),
    cache_creation_input_tokens: usage.cacheCreationTokens,
    cache_read_input_tokens: usage.cachedTokens,
    output_tokens: usage.completionTokens,
  };
}
