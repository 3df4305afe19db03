// Reads Gemini's `usageMetadata` into canonical TokenUsage. promptTokenCount already includes
// cached tokens; thoughtsTokenCount is billed as output but reported apart from
// candidatesTokenCount, so completion = candidates + thoughts. Pure; missing fields count 0.
import type { TokenUsage } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import { tokenCount } from '../openai-format/openai-usage-body.js';

export function readGeminiUsage(usageMetadata: unknown): TokenUsage | undefined {
  if (!isRecord(usageMetadata)) return undefined;
  const thoughts = tokenCount(usageMetadata.thoughtsTokenCount);
  return {
    // Tool-use prompt tokens (e.g. search results fed back) are input too.
    promptTokens: tokenCount(usageMetadata.promptTokenCount) + tokenCount(usageMetadata.toolUsePromptTokenCount),
    completionTokens: tokenCount(usageMetadata.candidatesTokenCount) + thoughts,
    cachedTokens: tokenCount(usageMetadata.cachedContentTokenCount),
    cacheCreationTokens: 0,
    reasoningTokens: thoughts,
  };
}
