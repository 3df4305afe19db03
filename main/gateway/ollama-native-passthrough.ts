// Native pass-through of /api/chat and /api/generate to Ollama deployments (`ollama/`,
// `ollama_chat/`): the client's body goes upstream as sent, with only `model` replaced by the
// deployment's, `stream` made explicit and keep_alive capped (cap-keep-alive.ts), so num_ctx,
// think, raw, suffix and the other Ollama-only fields keep working. The NDJSON comes back line by
// line with `model` set to the name the client asked for. Never forwards the client's credentials
// or headers; usage is read from the final line (prompt_eval_count, eval_count) by the Ollama adapter.
import type { GatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import { createOllamaAdapter } from '../providers/ollama-adapter.js';
import type { AdapterTarget, AnswerReader, ClientBody, StreamEvent, UpstreamCall } from '../providers/provider-adapter.js';
import { rewriteClientBody } from '../providers/openai-format/rewrite-request-text.js';
import type { NativeFormat } from './proxy-inference.js';
import type { ClientStreamEncoder } from './relay-stream.js';
import { capKeepAlive } from './ollama-inbound/cap-keep-alive.js';
import { NDJSON_CONTENT_TYPE } from './ollama-inbound/create-ollama-stream-encoder.js';
import { streamEventObject } from '../providers/stream-event-json.js';

type Json = Record<string, unknown>;

export interface OllamaPassthroughInput {
  kind: 'chat' | 'generate';
  /** The body exactly as the client sent it (already validated; routing fields refused). */
  body: Json;
  /** The model name the client sent: the answer carries it instead of the upstream's. */
  requestedModel: string;
  /** The longest keep_alive sent upstream, in seconds; null passes the client's unchanged. */
  maxKeepAliveSeconds: number | null;
  /** Set when the request has no OpenAI-form translation (suffix): other deployments refuse with it. */
  untranslatable?: GatewayError | undefined;
  /** The text (and bytes) `body` was parsed from: sent with only `model` rewritten when nothing else changes. */
  clientBody?: ClientBody | undefined;
}

const ADAPTER = createOllamaAdapter();

/** Ollama's generate lines are read as legacy completions (`response`), its chat lines as chat. */
const GENERATE_READER: AnswerReader = {
  streamFraming: 'ndjson',
  parseResponse: (_endpoint, json, target, raw, requestId) => ADAPTER.parseResponse('completions', json, target, raw, requestId),
  createStreamTranslator: (_endpoint, target, requestId) => ADAPTER.createStreamTranslator('completions', target, requestId),
};

export function createOllamaNativePassthrough(input: OllamaPassthroughInput): NativeFormat {
  const keepAlive = capKeepAlive(input.body.keep_alive as number | string | undefined, input.maxKeepAliveSeconds);
  const renamed = (record: Json): string => JSON.stringify({ ...record, model: input.requestedModel });
  return {
    accepts: isOllamaDeployment,
    buildRequest(target: AdapterTarget, stream: boolean): UpstreamCall {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? NDJSON_CONTENT_TYPE : 'application/json' };
      // Ollama itself takes no key; one behind an authenticating proxy (or ollama.com) takes a bearer token.
      if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
      const path = input.kind === 'chat' ? '/api/chat' : '/api/generate';
      // When only the model changes (the client said `stream` as a boolean and keep_alive is within
      // the cap or absent), the client's bytes go with the model rewritten in place, not the parsed
      // body serialised again (a long chat history is tens of KB).
      if (input.clientBody !== undefined && input.body.stream === stream && keepAlive === input.body.keep_alive) {
        const forwarded = rewriteClientBody(input.clientBody, { model: target.deployment.upstreamModel, includeUsage: false });
        if (forwarded !== undefined) return { method: 'POST', path, headers, body: forwarded };
      }
      const body: Json = { ...input.body, model: target.deployment.upstreamModel, stream };
      if (keepAlive === undefined) delete body.keep_alive;
      else body.keep_alive = keepAlive;
      // api_base is Ollama's origin, as the Ollama adapter reads it.
      return { method: 'POST', path, headers, body: JSON.stringify(body) };
    },
    encoder: () => createOllamaPassthroughEncoder(renamed),
    ...(input.kind === 'generate' ? { reader: GENERATE_READER } : {}),
    renderJson(text: string): string {
      try {
        const json: unknown = JSON.parse(text);
        return typeof json === 'object' && json !== null && !Array.isArray(json) ? renamed(json as Json) : text;
      } catch {
        return text;
      }
    },
    ...(input.untranslatable === undefined ? {} : { untranslatable: input.untranslatable }),
  };
}

function isOllamaDeployment(deployment: Deployment): boolean {
  return deployment.protocol === 'ollama';
}

/**
 * Relays each upstream line (model renamed) and renders nothing from the canonical chunks, which
 * the gateway reads only for usage, first content and the end. A stream that breaks (the
 * upstream's own error line included) ends with one `{"error"}` line.
 */
export function createOllamaPassthroughEncoder(rename: (record: Json) => string): ClientStreamEncoder {
  return {
    contentType: NDJSON_CONTENT_TYPE,
    start: () => '',
    event(event: StreamEvent): string {
      // Garbage is not relayed: the adapter rejects it next, and the client gets an error line.
      const data = streamEventObject(event);
      if (data === undefined) return '';
      // The upstream's own error line is not relayed as is: the adapter raises it next, sanitised
      // (no keys, no URLs), and error() writes that one instead.
      if ('error' in data) return '';
      return `${rename(data)}\n`;
    },
    push: () => '',
    finish: () => '',
    error: (error: GatewayError): string => `${JSON.stringify({ error: error.message })}\n`,
  };
}
