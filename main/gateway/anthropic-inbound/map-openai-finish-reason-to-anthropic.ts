// Maps an OpenAI `finish_reason` to the Anthropic `stop_reason` clients switch on. Never returns
// null for a finished message: a client treats null as "still running".

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn';

/**
 * `hasToolUse` corrects servers that end a tool-calling turn with "stop" (Ollama does, litellm
 * #6135/#12481): a message with tool_use blocks must say tool_use or the client never runs them.
 */
export function mapOpenAIFinishReasonToAnthropic(finishReason: unknown, hasToolUse: boolean): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      // 'stop', null (a cut stream the caller chose to finish), and values only some servers send.
      return hasToolUse ? 'tool_use' : 'end_turn';
  }
}
