// Estimates the input tokens of an Anthropic-format request, for /v1/messages/count_tokens and the
// message_start usage of translated streams, without calling any upstream: the target may be a
// local model with no counting endpoint, and Claude Code calls this often. An estimate, never
// billed: usage recorded in the ledger always comes from the upstream's own counts.
import { estimatePromptTokens } from '../../core/estimate-tokens.js';
import type { AnthropicCountTokensRequest } from './anthropic-request-schema.js';

/** Anthropic's documented tool-use system prompt (346 tokens for tool_choice auto/none). */
export const TOOL_USE_OVERHEAD_TOKENS = 346;

export type CountableAnthropicRequest = Pick<AnthropicCountTokensRequest, 'system' | 'messages' | 'tools'>;

/**
 * The gateway's one prompt estimator (metering/estimate-tokens: ~4 ASCII characters a token,
 * per-message framing, a fixed cost per image or document, tool schemas as JSON), so the number
 * Claude Code sees agrees with what budgets reserve, plus the tool-use system prompt Anthropic
 * adds whenever tools are present. Thinking carried in history is left out: the translator drops
 * it before a non-Anthropic model sees the request.
 */
export function countAnthropicTokens(request: CountableAnthropicRequest): { input_tokens: number } {
  const messages = request.messages.map((message) =>
    typeof message.content === 'string'
      ? message
      : { ...message, content: message.content.filter((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking') },
  );
  const tools = request.tools ?? [];
  const tokens = estimatePromptTokens({ system: request.system, messages, tools });
  return { input_tokens: tokens + (tools.length > 0 ? TOOL_USE_OVERHEAD_TOKENS : 0) };
}
