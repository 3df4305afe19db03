// Reads an answer from an upstream that serves the Responses API itself (pass-through): usage
// from the JSON body or the stream's terminal event, the text deltas as canonical chunks (for
// time to first token and output counts), the end of the stream, and in-band failures. Reads
// only; what the client gets is the upstream's own bytes (responses-native-passthrough.ts).
import { GatewayError } from '../../core/gateway-error.js';
import { sanitizeExcerpt } from '../../providers/read-upstream-body.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import { streamEventJson } from '../../providers/stream-event-json.js';
import type { AnswerReader, StreamOutput } from '../../providers/provider-adapter.js';
import { readResponsesUsage } from './read-responses-usage.js';

type Json = Record<string, unknown>;

/** Terminal events that end a response the client can use (completed, or cut at its output cap). */
const FINISHED = new Set(['response.completed', 'response.incomplete']);

export interface ResponsesAnswerReaderOptions {
  /** Called once with the final response object of a finished response (stream or not). */
  onCompleted?(response: Json): void;
}

export function createResponsesAnswerReader(options: ResponsesAnswerReaderOptions = {}): AnswerReader {
  return {
    streamFraming: 'sse',
    parseResponse(_endpoint, json, target, raw) {
      if (!isRecord(json)) throw new GatewayError('upstream_bad_response', 'Upstream sent a response that is not a JSON object');
      if (json.status === 'failed' || (json.object !== 'response' && json.error !== undefined && json.error !== null)) {
        throw failure(json.error, target.apiKey);
      }
      if (json.object !== 'response') throw new GatewayError('upstream_bad_response', 'Upstream sent a body that is not a Responses API response');
      options.onCompleted?.(json);
      return { body: json, raw, usage: readResponsesUsage(json.usage) };
    },
    createStreamTranslator(_endpoint, target) {
      let done = false;
      return {
        push(event): StreamOutput[] {
          if (done || event.data === '[DONE]') return [];
          const data = streamEventJson(event, 'a stream event');
          if (!isRecord(data)) throw new GatewayError('upstream_bad_response', 'Upstream sent a stream event that is not a JSON object');
          const type = data.type;
          if (type === 'response.output_text.delta' && typeof data.delta === 'string') return [textChunk({ content: data.delta })];
          if (type === 'response.reasoning_summary_text.delta' && typeof data.delta === 'string') return [textChunk({ reasoning_content: data.delta })];
          if ((type === 'response.function_call_arguments.delta' || type === 'response.custom_tool_call_input.delta') && typeof data.delta === 'string') {
            return [textChunk({ tool_calls: [{ index: 0, function: { arguments: data.delta } }] })];
          }
          if (typeof type === 'string' && FINISHED.has(type)) {
            done = true;
            const response = isRecord(data.response) ? data.response : undefined;
            if (response !== undefined) options.onCompleted?.(response);
            const usage = readResponsesUsage(response?.usage);
            return usage === undefined ? [{ type: 'done' }] : [{ type: 'usage', usage }, { type: 'done' }];
          }
          if (type === 'response.failed') throw failure(isRecord(data.response) ? data.response.error : undefined, target.apiKey);
          if (type === 'error') throw failure(data, target.apiKey);
          return [];
        },
        end(): StreamOutput[] {
          if (done) return [];
          throw new GatewayError('upstream_bad_response', 'Upstream stream ended before the response finished');
        },
      };
    },
  };
}

function textChunk(delta: Json): StreamOutput {
  return { type: 'chunk', chunk: { choices: [{ index: 0, delta }] } };
}

/** The upstream's own words, as any upstream text: short, one line, no keys or URLs. */
function failure(error: unknown, apiKey: string | undefined): GatewayError {
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : typeof error === 'string' ? error : 'unknown error';
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
  const text = `Upstream reported a failed response${code === undefined ? '' : ` (${sanitizeExcerpt(code, apiKey)})`}: ${sanitizeExcerpt(message, apiKey)}`;
  if (code === 'context_length_exceeded') return new GatewayError('context_window_exceeded', text);
  if (code === 'rate_limit_exceeded') return new GatewayError('upstream_rate_limited', text);
  return new GatewayError('upstream_error', text);
}
