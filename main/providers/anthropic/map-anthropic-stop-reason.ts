// Maps the Messages API's `stop_reason` to OpenAI's `finish_reason` (litellm's table). Unknown or
// future reasons map to "stop": a finished message is still a finished message.
import type { OpenAIFinishReason } from '../openai-format/openai-chat-chunk.js';

export function mapAnthropicStopReason(reason: unknown): OpenAIFinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    // end_turn, stop_sequence, pause_turn (a server tool paused the turn), null, unknown.
    default:
      return 'stop';
  }
}
