// Renders a canonical (non-stream) OpenAI answer as Ollama's single done:true object. It replays
// the answer through the stream encoder as one delta, so `stream: false` and a stream agree on
// tool-call arguments, done_reason and counts by construction.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import type { ParsedResponse } from '../../providers/provider-adapter.js';
import { createOllamaStreamEncoder, type OllamaStreamEncoderOptions } from './create-ollama-stream-encoder.js';

export function renderOllamaResponse(parsed: ParsedResponse, options: OllamaStreamEncoderOptions): Record<string, unknown> {
  const choices = parsed.body.choices;
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(choice)) throw new GatewayError('upstream_bad_response', 'The upstream response has no choices');
  const message = isRecord(choice.message) ? choice.message : {};
  // Calls without an `index` would all be taken for fragments of one call.
  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls.map((call: unknown, index) => (isRecord(call) ? { ...call, index } : call)) : undefined;
  const encoder = createOllamaStreamEncoder(options);
  if (parsed.usage !== undefined) encoder.push({ type: 'usage', usage: parsed.usage });
  encoder.push({
    type: 'chunk',
    chunk: { choices: [{ index: 0, delta: toolCalls === undefined ? message : { ...message, tool_calls: toolCalls }, finish_reason: choice.finish_reason ?? 'stop' }], usage: parsed.body.usage },
  });
  return encoder.answer();
}
