// Native pass-through of POST /v1/responses to deployments that serve the Responses API
// themselves: `openai/` and `azure/` always, any OpenAI-compatible or Ollama deployment with
// litellm_params.supports_responses. The body goes upstream as sent (only `model` replaced,
// unknown items and server-side tools kept), with the deployment's key; the answer comes back
// as the upstream wrote it. Never forwards the client's credentials or headers, never edits items.
import type { GatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import type { AdapterTarget, ClientBody, StreamEvent, UpstreamCall } from '../providers/provider-adapter.js';
import { upstreamBody } from './native-upstream-body.js';
import type { NativeFormat } from './proxy-inference.js';
import type { ClientStreamEncoder } from './relay-stream.js';
import { createResponsesAnswerReader } from './responses-inbound/create-responses-answer-reader.js';
import { toResponsesError } from './responses-inbound/to-responses-error.js';
import { streamEventObject } from '../providers/stream-event-json.js';
import { relayedEventText } from './relayed-event-text.js';

type Json = Record<string, unknown>;

export interface ResponsesPassthroughInput {
  /** The Responses body exactly as the client sent it (already validated; routing fields refused). */
  body: Json;
  /** Set when the request has no chat-completions translation: other deployments refuse with it. */
  untranslatable?: GatewayError | undefined;
  /** Called once with the upstream's final response object (stream or not). */
  onCompleted?(response: Json): void;
  /** The text (and bytes) `body` was parsed from, when `body` is the client's own: sent with only `model` rewritten in place. */
  clientBody?: ClientBody | undefined;
}

export function createResponsesNativePassthrough(input: ResponsesPassthroughInput): NativeFormat {
  const reader = createResponsesAnswerReader(input.onCompleted === undefined ? {} : { onCompleted: input.onCompleted });
  return {
    accepts: servesResponses,
    buildRequest(target: AdapterTarget, stream: boolean): UpstreamCall {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
      const azure = target.deployment.protocol === 'azure';
      if (target.apiKey) {
        if (azure) headers['api-key'] = target.apiKey;
        else headers.authorization = `Bearer ${target.apiKey}`;
      }
      return { method: 'POST', path: responsesPath(target.deployment), headers, body: upstreamBody(input.body, input.clientBody, target.deployment.upstreamModel) };
    },
    encoder: createResponsesPassthroughEncoder,
    reader,
    ...(input.untranslatable === undefined ? {} : { untranslatable: input.untranslatable }),
  };
}

/** OpenAI and Azure serve the Responses API unless the config says not; other servers only when it says so. */
export function servesResponses(deployment: Deployment): boolean {
  if (deployment.supportsResponses === false) return false;
  if (deployment.protocol === 'azure' || (deployment.protocol === 'openai' && deployment.provider === 'openai')) return true;
  return deployment.supportsResponses === true && (deployment.protocol === 'openai' || deployment.protocol === 'ollama');
}

/**
 * OpenAI-compatible api_bases end in /v1 (the chat path is `/chat/completions`); Ollama's is the
 * origin; Azure's is the resource, whose Responses API is the unversioned v1 one (the model in
 * the body names the deployment).
 */
function responsesPath(deployment: Deployment): string {
  if (deployment.protocol === 'azure') return `${deployment.apiBase.endsWith('/openai') ? '' : '/openai'}/v1/responses`;
  if (deployment.protocol === 'ollama') return `${deployment.apiBase.endsWith('/v1') ? '' : '/v1'}/responses`;
  return '/responses';
}

/**
 * Relays each upstream event unchanged and renders nothing from the canonical chunks (read only
 * for usage and first content). A stream that breaks without the upstream's own failure event
 * ends with a response.failed that continues its sequence numbers and response id.
 */
export function createResponsesPassthroughEncoder(): ClientStreamEncoder {
  let lastSequence = -1;
  let response: Json | undefined;
  let relayedFailure = false;
  return {
    start: () => '',
    event(event: StreamEvent): string {
      // Garbage is not relayed: the reader rejects it next, and the client gets response.failed.
      const record = streamEventObject(event);
      if (record === undefined) return '';
      if (typeof record.sequence_number === 'number') lastSequence = record.sequence_number;
      if (typeof record.response === 'object' && record.response !== null) response = record.response as Json;
      const type = typeof record.type === 'string' ? record.type : undefined;
      if (type === 'response.failed' || type === 'error') relayedFailure = true;
      const name = event.event ?? type;
      return relayedEventText(name, event.data);
    },
    push: () => '',
    finish: () => '',
    error(error: GatewayError): string {
      if (relayedFailure) return '';
      const failed = { ...(response ?? { object: 'response', output: [] }), status: 'failed', error: toResponsesError(error), usage: response?.usage ?? null };
      return `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: lastSequence + 1, response: failed })}\n\n`;
    },
  };
}
