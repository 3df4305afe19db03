// Maps Gemini's `finishReason` (and a prompt `blockReason`) to OpenAI's `finish_reason`
// (litellm's table). A response that called tools finishes with "tool_calls" unless it was cut
// short or filtered. Unknown or future reasons map to "stop".
import type { OpenAIFinishReason } from '../openai-format/openai-chat-chunk.js';

const FILTERED = new Set([
  'SAFETY', 'RECITATION', 'LANGUAGE', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'OTHER',
  'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'IMAGE_OTHER',
]);

export function mapGeminiFinishReason(reason: unknown, hasToolCalls: boolean): OpenAIFinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && FILTERED.has(reason)) return 'content_filter';
  // STOP, MALFORMED_FUNCTION_CALL (OpenAI has no way to say it), FINISH_REASON_UNSPECIFIED, unknown.
  return hasToolCalls ? 'tool_calls' : 'stop';
}
