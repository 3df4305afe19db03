// Maps Anthropic's thinking controls (`thinking.budget_tokens`, `output_config.effort`) to the
// OpenAI `reasoning_effort` an OpenAI-compatible upstream understands. Never invents effort the
// client did not ask for: adaptive, disabled or absent thinking sends nothing.
import type { AnthropicOutputConfig, AnthropicThinkingConfig } from './anthropic-request-schema.js';

export type OpenAIReasoningEffort = 'low' | 'medium' | 'high';

/** Budgets at or above these many tokens map to the effort beside them (litellm's thresholds). */
export const REASONING_EFFORT_THRESHOLDS: ReadonlyArray<readonly [number, OpenAIReasoningEffort]> = [
  [10_000, 'high'],
  [5_000, 'medium'],
];

/**
 * `output_config.effort` wins when given, being the client's own word for effort; `xhigh` and
 * `max` have no OpenAI equivalent every server accepts, so they become `high`. Otherwise an
 * enabled budget maps by size: >= 10k high, >= 5k medium, anything smaller low.
 */
export function mapAnthropicReasoningEffort(
  thinking: AnthropicThinkingConfig | null | undefined,
  outputConfig?: AnthropicOutputConfig | null,
): OpenAIReasoningEffort | undefined {
  const effort = outputConfig?.effort;
  if (effort !== undefined && effort !== null) return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
  if (thinking?.type !== 'enabled') return undefined;
  for (const [minimum, mapped] of REASONING_EFFORT_THRESHOLDS) {
    if (thinking.budget_tokens >= minimum) return mapped;
  }
  return 'low';
}
