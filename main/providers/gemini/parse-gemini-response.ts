// Translates a non-stream generateContent response into an OpenAI `chat.completion`. A prompt
// blocked before any candidate becomes an empty answer with finish_reason "content_filter".
// An error object or a body without candidates or feedback is a GatewayError, never a guess.
import { GatewayError } from '../../core/gateway-error.js';
import type { ParsedResponse } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import type { ChatCompletionIdentity } from '../openai-format/openai-chat-chunk.js';
import { openAIUsageBody } from '../openai-format/openai-usage-body.js';
import { readGeminiUsage } from './gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { readGeminiParts } from './read-gemini-parts.js';

type Json = Record<string, unknown>;

export function parseGeminiResponse(json: unknown, identity: ChatCompletionIdentity, requestId: string): ParsedResponse {
  const response = readGeminiResponseObject(json, 'a response');
  const candidate = Array.isArray(response.candidates) && isRecord(response.candidates[0]) ? response.candidates[0] : undefined;
  const blocked = isRecord(response.promptFeedback) && typeof response.promptFeedback.blockReason === 'string';
  if (!candidate && !blocked) throw new GatewayError('upstream_bad_response', 'Gemini sent a response without candidates');

  const content = candidate && isRecord(candidate.content) ? candidate.content : {};
  const pieces = readGeminiParts(content.parts, requestId, 0);
  const message: Json = { role: 'assistant', content: pieces.text !== '' || pieces.toolCalls.length === 0 ? pieces.text : null };
  if (pieces.reasoning !== '') message.reasoning_content = pieces.reasoning;
  if (pieces.toolCalls.length > 0) message.tool_calls = pieces.toolCalls;
  const finishReason = candidate ? mapGeminiFinishReason(candidate.finishReason, pieces.toolCalls.length > 0) : 'content_filter';

  const usage = readGeminiUsage(response.usageMetadata);
  const body: Json = {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
  };
  if (usage) body.usage = openAIUsageBody(usage);
  return { body, usage };
}

/** One GenerateContentResponse; an `{error}` object (also in-band in streams) is upstream_error. */
export function readGeminiResponseObject(json: unknown, what: string): Json {
  if (!isRecord(json)) throw new GatewayError('upstream_bad_response', `Gemini sent ${what} that is not a JSON object`);
  if (json.error !== undefined) throw new GatewayError('upstream_error', `Gemini error: ${describeGeminiError(json.error)}`);
  return json;
}

/** `STATUS: message`, capped: never more of the upstream text than that. */
export function describeGeminiError(error: unknown): string {
  const status = isRecord(error) && typeof error.status === 'string' ? error.status : 'ERROR';
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : typeof error === 'string' ? error : 'unknown error';
  return `${status}: ${message.slice(0, 200)}`;
}
