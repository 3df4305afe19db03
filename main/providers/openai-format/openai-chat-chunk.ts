// Builds the OpenAI `chat.completion.chunk` outputs that translated streams (Anthropic, Gemini)
// emit: content deltas, the finish chunk, and the closing usage-only chunk + canonical usage.
// Shape only: never reads the clock (the caller supplies `created`) and never parses upstream data.
import type { StreamOutput, TokenUsage } from '../provider-adapter.js';
import { openAIUsageBody } from './openai-usage-body.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What every chunk of one response shares. */
export interface ChatCompletionIdentity {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
}

export interface ChatChunkFactory {
  delta(delta: Record<string, unknown>, finishReason?: OpenAIFinishReason | null): StreamOutput;
  /** The usage-only chunk (`choices: []`) followed by the canonical usage output. */
  usage(usage: TokenUsage): StreamOutput[];
}

export function createChatChunkFactory(identity: ChatCompletionIdentity): ChatChunkFactory {
  const { id, model, created } = identity;
  return {
    delta(delta, finishReason = null) {
      return {
        type: 'chunk',
        chunk: { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] },
      };
    },
    usage(usage) {
      return [
        { type: 'chunk', chunk: { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAIUsageBody(usage) }, usageOnly: true },
        { type: 'usage', usage },
      ];
    },
  };
}
