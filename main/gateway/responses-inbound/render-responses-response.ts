// Renders a canonical (non-stream) chat completion as a Responses API `response` object, as the
// JSON text of the answer's body. It replays the completion through the stream encoder as one
// delta, so a streamed and a non-streamed answer produce the same items, ids and usage by
// construction; the encoder runs silent (no event text is built), and the object is serialised
// by the envelope, whose echoed request settings are serialised once. Never passes an upstream's
// ids or model name through.
import { GatewayError } from '../../core/gateway-error.js';
import { readOpenAIUsage } from '../../providers/openai-usage.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import type { ParsedResponse } from '../../providers/provider-adapter.js';
import { createResponsesStreamEncoder, type ResponsesStreamEncoderOptions } from './create-responses-stream-encoder.js';

export function renderResponsesResponse(parsed: ParsedResponse, options: ResponsesStreamEncoderOptions): string {
  const choices = parsed.body.choices;
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(choice)) throw new GatewayError('upstream_bad_response', 'The upstream response has no choices');
  const message = isRecord(choice.message) ? choice.message : {};
  // Calls without an `index` would all be taken for fragments of one call.
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.map((call: unknown, index) => (isRecord(call) ? { ...call, index } : call)) : undefined;
  const encoder = createResponsesStreamEncoder({ ...options, silent: true });
  encoder.push({
    type: 'chunk',
    chunk: { choices: [{ index: 0, delta: toolCalls === undefined ? message : { ...message, tool_calls: toolCalls }, finish_reason: choice.finish_reason ?? 'stop' }] },
  });
  const usage = parsed.usage ?? readOpenAIUsage(parsed.body.usage);
  if (usage !== undefined) encoder.push({ type: 'usage', usage });
  encoder.finish();
  return options.envelope.json(encoder.finalState()!);
}
