// Adapter for Anthropic's Messages API (`anthropic/` deployments): OpenAI chat requests out,
// Messages API responses and SSE events back as OpenAI chat completions and chunks. Chat only.
// Pure translation: no I/O, no clock of its own (`created` comes from the injected nowMs), and
// the path comes from the deployment's api_base, never from request data.
import { GatewayError } from '../core/gateway-error.js';
import type { AdapterTarget, EndpointKind, ProviderAdapter, UpstreamCall } from './provider-adapter.js';
import { isRecord } from './parse-json-safely.js';
import { buildAnthropicMessagesBody } from './anthropic/build-anthropic-messages-body.js';
import { createAnthropicStreamTranslator } from './anthropic/create-anthropic-stream-translator.js';
import type { ChatCompletionIdentity } from './openai-format/openai-chat-chunk.js';
import { parseAnthropicResponse } from './anthropic/parse-anthropic-response.js';

/** The API version every request pins; newer features arrive as fields, not as a new version. */
export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicAdapterDeps {
  /**
   * Epoch milliseconds (the gateway's clock). Anthropic's responses carry no timestamp, and
   * OpenAI's `created` is required, so the caller's clock stamps it — injected, so tests pin it.
   */
  nowMs: () => number;
}

export function createAnthropicAdapter(deps: AnthropicAdapterDeps): ProviderAdapter {
  const identity = (target: AdapterTarget, requestId: string): ChatCompletionIdentity => ({
    id: `chatcmpl-${requestId}`,
    model: target.deployment.modelName,
    created: Math.floor(deps.nowMs() / 1000),
  });

  return {
    protocol: 'anthropic',
    streamFraming: 'sse',
    supports: (endpoint) => endpoint === 'chat',
    buildRequest(endpoint, body, target, stream): UpstreamCall {
      assertChat(endpoint);
      return {
        method: 'POST',
        path: `${versionPrefix(target)}/messages`,
        headers: anthropicHeaders(target, stream ? 'text/event-stream' : 'application/json'),
        body: JSON.stringify(buildAnthropicMessagesBody(body, target.deployment, stream)),
      };
    },
    parseResponse(endpoint, json, target, _raw, requestId) {
      assertChat(endpoint);
      return parseAnthropicResponse(json, identity(target, requestId));
    },
    createStreamTranslator(endpoint, target, requestId) {
      assertChat(endpoint);
      return createAnthropicStreamTranslator(identity(target, requestId));
    },
    extractErrorMessage(json) {
      // {"type":"error","error":{"type":"invalid_request_error","message":"..."}}
      if (!isRecord(json) || !isRecord(json.error)) return undefined;
      return typeof json.error.message === 'string' ? json.error.message : undefined;
    },
    buildModelsRequest(target) {
      return { method: 'GET', path: `${versionPrefix(target)}/models`, headers: anthropicHeaders(target, 'application/json') };
    },
  };
}

function anthropicHeaders(target: AdapterTarget, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept, 'anthropic-version': ANTHROPIC_VERSION };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  return headers;
}

/** api_base is the origin (LiteLLM's convention); one that already ends in /v1 is accepted too. */
function versionPrefix(target: AdapterTarget): string {
  return target.deployment.apiBase.endsWith('/v1') ? '' : '/v1';
}

function assertChat(endpoint: EndpointKind): void {
  if (endpoint !== 'chat') {
    throw new GatewayError('invalid_request', `Anthropic deployments serve chat completions only, not ${endpoint}`);
  }
}
