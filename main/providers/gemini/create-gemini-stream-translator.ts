// Translates a streamGenerateContent?alt=sse stream (each event one GenerateContentResponse,
// no terminator: the stream ending is the completion signal) into OpenAI chat chunks. Function
// calls arrive whole and become one tool-call delta each. The stream counts as complete only
// once a finishReason (or a prompt block) was seen; usage is the last (cumulative) usageMetadata.
import { GatewayError } from '../../core/gateway-error.js';
import type { StreamEvent, StreamOutput, StreamTranslator, TokenUsage } from '../provider-adapter.js';
import { isRecord, parseJsonSafely } from '../parse-json-safely.js';
import { createChatChunkFactory, type ChatCompletionIdentity, type OpenAIFinishReason } from '../openai-format/openai-chat-chunk.js';
import { readGeminiUsage } from './gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { describeGeminiError } from './parse-gemini-response.js';
import { readGeminiParts } from './read-gemini-parts.js';

/** In-band error statuses worth another attempt, if nothing has reached the client yet. */
const TRANSIENT_STATUSES = new Set(['UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'DEADLINE_EXCEEDED']);

export function createGeminiStreamTranslator(identity: ChatCompletionIdentity, requestId: string): StreamTranslator {
  const chunks = createChatChunkFactory(identity);
  let started = false;
  let finish: OpenAIFinishReason | undefined;
  let toolCount = 0;
  let usage: TokenUsage | undefined;

  return {
    push(event: StreamEvent): StreamOutput[] {
      const json = parseJsonSafely(event.data, 'a stream event');
      if (!isRecord(json)) throw new GatewayError('upstream_bad_response', 'Gemini sent a stream event that is not a JSON object');
      if (json.error !== undefined) {
        const status = isRecord(json.error) ? json.error.status : undefined;
        throw new GatewayError('upstream_error', `Gemini reported an error mid-stream: ${describeGeminiError(json.error)}`, {
          retryable: !started && typeof status === 'string' && TRANSIENT_STATUSES.has(status),
        });
      }
      const out: StreamOutput[] = [];
      if (!started) {
        started = true;
        out.push(chunks.delta({ role: 'assistant', content: '' }));
      }
      usage = readGeminiUsage(json.usageMetadata) ?? usage;

      const candidate = Array.isArray(json.candidates) && isRecord(json.candidates[0]) ? json.candidates[0] : undefined;
      if (candidate) {
        const content = isRecord(candidate.content) ? candidate.content : {};
        const pieces = readGeminiParts(content.parts, requestId, toolCount);
        if (pieces.reasoning !== '') out.push(chunks.delta({ reasoning_content: pieces.reasoning }));
        if (pieces.text !== '') out.push(chunks.delta({ content: pieces.text }));
        if (pieces.toolCalls.length > 0) {
          out.push(chunks.delta({ tool_calls: pieces.toolCalls.map((call, i) => ({ index: toolCount + i, ...call })) }));
          toolCount += pieces.toolCalls.length;
        }
        if (finish === undefined && typeof candidate.finishReason === 'string') {
          finish = mapGeminiFinishReason(candidate.finishReason, toolCount > 0);
          out.push(chunks.delta({}, finish));
        }
      } else if (finish === undefined && isRecord(json.promptFeedback) && typeof json.promptFeedback.blockReason === 'string') {
        finish = 'content_filter';
        out.push(chunks.delta({}, finish));
      }
      return out;
    },
    end(): StreamOutput[] {
      if (finish === undefined) throw new GatewayError('upstream_bad_response', 'Gemini stream ended early, before a finishReason');
      // No usageMetadata at all: say nothing rather than report zero, so metering estimates.
      return usage ? [...chunks.usage(usage), { type: 'done' }] : [{ type: 'done' }];
    },
  };
}
