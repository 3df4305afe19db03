// Adapter for OpenAI-compatible upstreams (openai, hosted_vllm, lm_studio, dashscope, deepseek,
// openrouter, groq, mistral, ...). The body passes through with only `model` replaced and, for
// streams, `stream_options.include_usage` made true so the final chunk carries real usage.
// Chunks are forwarded byte-for-byte; each is parsed only to catch garbage, errors and usage.
import { GatewayError } from '../core/gateway-error.js';
import { sanitizeExcerpt } from './read-upstream-body.js';
import type {
  AdapterTarget, EndpointKind, ParsedResponse, ProviderAdapter, StreamOutput, StreamTranslator, UpstreamCall,
} from './provider-adapter.js';
import { isRecord, parseJsonSafely } from './parse-json-safely.js';
import { readOpenAIUsage } from './openai-usage.js';
import { rewriteClientBody } from './openai-format/rewrite-request-text.js';

const PATHS: Record<EndpointKind, string> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

export interface OpenAIWireOptions {
  /** How the key is sent: OpenAI's Bearer, or Azure's `api-key`. */
  authHeader: 'authorization' | 'api-key';
  /** Path builder; Azure puts the deployment and api-version in the URL. */
  pathFor(endpoint: EndpointKind, target: AdapterTarget): string;
  modelsPath(target: AdapterTarget): string;
  /** Whether the body's `model` is replaced by the upstream model name (Azure takes it from the URL). */
  setModel: boolean;
}

export function createOpenAICompatibleAdapter(wire: OpenAIWireOptions = {
  authHeader: 'authorization',
  pathFor: (endpoint) => PATHS[endpoint],
  modelsPath: () => '/models',
  setModel: true,
}): ProviderAdapter {
  function headers(target: AdapterTarget): Record<string, string> {
    const result: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (target.apiKey) {
      if (wire.authHeader === 'authorization') result.authorization = `Bearer ${target.apiKey}`;
      else result['api-key'] = target.apiKey;
    }
    return result;
  }

  return {
    protocol: 'openai',
    streamFraming: 'sse',
    supports: () => true,
    buildRequest(endpoint, body, target, stream, clientBody): UpstreamCall {
      // The body changes only in `model` and, for a stream, stream_options.include_usage: the
      // client's bytes go upstream with those rewritten in place, instead of a copy of the body
      // serialised again (issue 18: for an agent's 100 KB stream body, most of the gateway's work).
      if (clientBody !== undefined) {
        const changes = { model: wire.setModel ? target.deployment.upstreamModel : undefined, includeUsage: stream };
        const forwarded = rewriteClientBody(clientBody, changes);
        if (forwarded !== undefined) return { method: 'POST', path: wire.pathFor(endpoint, target), headers: headers(target), body: forwarded };
      }
      const outgoing: Record<string, unknown> = wire.setModel ? { ...body, model: target.deployment.upstreamModel } : { ...body };
      if (stream) {
        const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
        outgoing.stream_options = { ...streamOptions, include_usage: true };
      }
      return { method: 'POST', path: wire.pathFor(endpoint, target), headers: headers(target), body: JSON.stringify(outgoing) };
    },
    parseResponse(endpoint, json, target, raw): ParsedResponse {
      if (!isRecord(json)) throw new GatewayError('upstream_bad_response', 'Upstream sent a response that is not a JSON object');
      // An error object in a 200 (vLLM, sglang, some proxies): report the provider's message.
      const answered = endpoint === 'embeddings' ? Array.isArray(json.data) : Array.isArray(json.choices);
      if (!answered && json.error !== undefined && json.error !== null) throw inBandError(json.error, target.apiKey, 'in its response');
      if (endpoint !== 'embeddings' && !Array.isArray(json.choices)) {
        throw new GatewayError('upstream_bad_response', 'Upstream sent a response without choices');
      }
      return { body: json, raw, usage: readOpenAIUsage(json.usage) };
    },
    createStreamTranslator(_endpoint, target): StreamTranslator {
      let done = false;
      let finished = false;
      return {
        push(event): StreamOutput[] {
          if (done) return [];
          if (event.data === '[DONE]') {
            done = true;
            return [{ type: 'done' }];
          }
          const chunk = parseJsonSafely(event.data, 'a stream chunk');
          if (!isRecord(chunk)) throw new GatewayError('upstream_bad_response', 'Upstream sent a stream chunk that is not a JSON object');
          // vLLM and sglang report failures in-band with status 200 (litellm #40578).
          if (chunk.error !== undefined && chunk.error !== null) throw inBandError(chunk.error, target.apiKey, 'mid-stream');
          const out: StreamOutput[] = [];
          const choices = chunk.choices;
          if (Array.isArray(choices)) {
            for (const choice of choices) if (isRecord(choice) && choice.finish_reason) finished = true;
          }
          const usage = readOpenAIUsage(chunk.usage);
          const usageOnly = usage !== undefined && Array.isArray(choices) && choices.length === 0;
          out.push({ type: 'chunk', chunk, raw: event.data, ...(usageOnly ? { usageOnly: true } : {}) });
          if (usage) out.push({ type: 'usage', usage });
          return out;
        },
        end(): StreamOutput[] {
          if (done) return [];
          // Some servers omit [DONE]; a stream that reached its finish_reason is complete.
          if (finished) return [{ type: 'done' }];
          throw new GatewayError('upstream_bad_response', 'Upstream stream ended before it finished');
        },
      };
    },
    extractErrorMessage: extractOpenAIErrorMessage,
    buildModelsRequest(target) {
      return { method: 'GET', path: wire.modelsPath(target), headers: headers(target) };
    },
  };
}

export function extractOpenAIErrorMessage(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const error = json.error;
  if (typeof error === 'string') return error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (typeof json.message === 'string') return json.message;
  if (typeof json.detail === 'string') return json.detail;
  return undefined;
}

/** The provider's own words, but as any upstream text: short, one line, no keys or URLs. */
function inBandError(error: unknown, apiKey: string | undefined, where: 'mid-stream' | 'in its response'): GatewayError {
  const message = typeof error === 'string' ? error : isRecord(error) && typeof error.message === 'string' ? error.message : 'unknown error';
  return new GatewayError('upstream_error', `Upstream reported an error ${where}: ${sanitizeExcerpt(message, apiKey)}`);
}
