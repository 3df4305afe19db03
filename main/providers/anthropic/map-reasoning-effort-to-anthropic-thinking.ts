// Maps OpenAI `reasoning_effort` (or an Anthropic-native `thinking` object) to the Messages API's
// thinking settings. Claude 4.6+ takes adaptive thinking with `output_config.effort`, and Opus
// 4.7 rejects `thinking.type: "enabled"` outright (litellm #25877); older models take a fixed
// `budget_tokens` (litellm's 1024/2048/4096). Decided from the deployment's model name only.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';

type Json = Record<string, unknown>;

export interface AnthropicThinkingSettings {
  thinking?: Json;
  /** For adaptive thinking: `output_config.effort`. */
  effort?: 'low' | 'medium' | 'high';
  /** For fixed-budget thinking: max_tokens must exceed it. */
  budgetTokens?: number;
}

const BUDGETS: Record<string, number> = { minimal: 1024, low: 1024, medium: 2048, high: 4096, xhigh: 8192 };
const EFFORTS: Record<string, 'low' | 'medium' | 'high'> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'high' };

export function mapReasoningEffortToAnthropicThinking(body: Json, upstreamModel: string): AnthropicThinkingSettings {
  if (body.thinking !== undefined && body.thinking !== null) return nativeThinking(body.thinking);
  const effort = body.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return {};
  if (typeof effort !== 'string' || !(effort in BUDGETS)) {
    throw new GatewayError('invalid_request', 'reasoning_effort must be one of none, minimal, low, medium, high, xhigh', { param: 'reasoning_effort' });
  }
  if (supportsAdaptiveThinking(upstreamModel)) return { thinking: { type: 'adaptive' }, effort: EFFORTS[effort]! };
  const budget = BUDGETS[effort]!;
  return { thinking: { type: 'enabled', budget_tokens: budget }, budgetTokens: budget };
}

/** Claude models from version 4.6 on (claude-opus-4-6, claude-sonnet-4.6, claude-sonnet-5...). */
export function supportsAdaptiveThinking(model: string): boolean {
  // The minor version is one or two digits; "claude-opus-4-20250514" is 4.0 plus a date.
  const match = /claude-(?:opus|sonnet|haiku)-(\d+)(?:[-.](\d{1,2})(?!\d))?/i.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? 0 : Number(match[2]);
  return major > 4 || (major === 4 && minor >= 6);
}

/** Passed through as given (adaptive, disabled, newer types); only a budget is checked, for max_tokens. */
function nativeThinking(thinking: unknown): AnthropicThinkingSettings {
  if (!isRecord(thinking) || typeof thinking.type !== 'string') throw invalidThinking();
  if (thinking.type !== 'enabled') return { thinking };
  if (Number.isSafeInteger(thinking.budget_tokens) && (thinking.budget_tokens as number) > 0) {
    return { thinking, budgetTokens: thinking.budget_tokens as number };
  }
  throw invalidThinking();
}

function invalidThinking(): GatewayError {
  return new GatewayError('invalid_request', 'thinking must be an object with a type, e.g. {"type":"enabled","budget_tokens":N} or {"type":"adaptive"}', { param: 'thinking' });
}
