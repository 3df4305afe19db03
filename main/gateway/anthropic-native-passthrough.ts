// Native pass-through of POST /v1/messages to `anthropic/` deployments: the client's Messages body
// goes upstream as sent (only `model` replaced by the deployment's), with the deployment's key,
// the API version and allowlisted beta flags; the answer comes back as the upstream wrote it (the
// JSON body unchanged, every stream event unchanged). Never forwards the client's credentials or
// unlisted headers, never edits content (cache_control and thinking signatures must survive).
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, isGatewayError } from '../core/gateway-error.js';
import type { NativeFormat } from './proxy-inference.js';
import type { ClientStreamEncoder } from './relay-stream.js';
import { anthropicErrorBody } from './anthropic-inbound/anthropic-error-body.js';
import { filterAnthropicBetas } from './anthropic-inbound/anthropic-beta-allowlist.js';
import { convertAnthropicToOpenAIRequest } from './anthropic-inbound/convert-anthropic-to-openai-request.js';
import type { AnthropicMessagesRequest } from './anthropic-inbound/anthropic-request-schema.js';
import { ANTHROPIC_VERSION } from '../providers/anthropic-adapter.js';
import type { AdapterTarget, ClientBody, StreamEvent, UpstreamCall } from '../providers/provider-adapter.js';
import { upstreamBody } from './native-upstream-body.js';
import type { Deployment } from '../core/deployment.js';
import { streamEventObject } from '../providers/stream-event-json.js';
import { relayedEventText } from './relayed-event-text.js';

/** API versions are dates; anything else is replaced by the version the gateway pins. */
const VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface AnthropicPassthroughInput {
  /** The Messages body exactly as the client sent it (already validated; routing fields refused). */
  body: Record<string, unknown>;
  /** The client's request headers: only anthropic-version and anthropic-beta are read. */
  headers: IncomingHttpHeaders;
  /** Set when the request has no OpenAI-form translation (see anthropicRoutingBody). */
  untranslatable?: GatewayError | undefined;
  /** The text (and bytes) `body` was parsed from: sent with only `model` rewritten in place. */
  clientBody?: ClientBody | undefined;
}

export function createAnthropicNativePassthrough(input: AnthropicPassthroughInput): NativeFormat {
  const betas = filterAnthropicBetas(input.headers['anthropic-beta']);
  const clientVersion = input.headers['anthropic-version'];
  const version = typeof clientVersion === 'string' && VERSION_PATTERN.test(clientVersion) ? clientVersion : ANTHROPIC_VERSION;
  return {
    accepts: isAnthropicDeployment,
    buildRequest(target: AdapterTarget, stream: boolean): UpstreamCall {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        'anthropic-version': version,
      };
      if (target.apiKey) headers['x-api-key'] = target.apiKey;
      if (betas !== undefined) headers['anthropic-beta'] = betas;
      return {
        method: 'POST',
        // api_base is the origin (LiteLLM's convention); one ending in /v1 is accepted too, as the adapter does.
        path: `${target.deployment.apiBase.endsWith('/v1') ? '' : '/v1'}/messages`,
        headers,
        body: upstreamBody(input.body, input.clientBody, target.deployment.upstreamModel),
      };
    },
    encoder: createAnthropicPassthroughEncoder,
    ...(input.untranslatable === undefined ? {} : { untranslatable: input.untranslatable }),
  };
}

function isAnthropicDeployment(deployment: Deployment): boolean {
  return deployment.protocol === 'anthropic';
}

export interface AnthropicRoutingBody {
  /** The OpenAI-form body the gateway routes, meters and (for non-Anthropic deployments) sends. */
  body: Record<string, unknown>;
  /** Why the request cannot go to a non-Anthropic deployment, when it cannot. */
  untranslatable?: GatewayError;
}

/**
 * The canonical body for a Messages request. When the request uses what only Anthropic serves
 * (server tools, file ids, URL documents, max_tokens 0...), translation fails; the request can
 * still go natively to an Anthropic deployment, so the body becomes a stand-in that carries the
 * model, stream flag, output cap and the messages as sent — enough to route, guard the context
 * window and estimate cost, and never sent anywhere: other deployments answer `untranslatable`.
 */
export function anthropicRoutingBody(request: AnthropicMessagesRequest): AnthropicRoutingBody {
  try {
    return { body: convertAnthropicToOpenAIRequest(request) };
  } catch (error) {
    if (!isGatewayError(error) || error.code !== 'invalid_request') throw error;
    const system = request.system;
    const hasSystem = typeof system === 'string' ? system !== '' : Array.isArray(system) && system.length > 0;
    const body: Record<string, unknown> = {
      model: request.model,
      messages: [...(hasSystem ? [{ role: 'system', content: system }] : []), ...request.messages],
      stream: request.stream === true,
    };
    if (request.max_tokens > 0) body.max_tokens = request.max_tokens;
    if (Array.isArray(request.tools)) body.tools = request.tools;
    return { body, untranslatable: error };
  }
}

/**
 * Relays each upstream event as it arrived (`event:` name and `data:` text unchanged) and
 * renders nothing from the translated chunks, which the gateway reads only for usage, time to
 * first token and the end of the stream. Ends a broken stream with an Anthropic `error` event,
 * unless the upstream already sent its own.
 */
export function createAnthropicPassthroughEncoder(): ClientStreamEncoder {
  let relayedError = false;
  return {
    start: () => '',
    event(event: StreamEvent): string {
      // Garbage is not relayed: the translator rejects it next, and the client gets an error event.
      const data = streamEventObject(event);
      if (data === undefined) return '';
      const type = data.type;
      const name = event.event ?? (typeof type === 'string' ? type : undefined);
      if (name === 'error' || type === 'error') relayedError = true;
      return relayedEventText(name, event.data);
    },
    push: () => '',
    finish: () => '',
    error(error: GatewayError): string {
      if (relayedError) return '';
      return `event: error\ndata: ${JSON.stringify({ type: 'error', error: anthropicErrorBody(error).error })}\n\n`;
    },
  };
}
