// Adapter for the Gemini API (`gemini/` deployments): OpenAI chat and embeddings requests out to
// generateContent / streamGenerateContent?alt=sse / batchEmbedContents, answers back in OpenAI
// form. The key travels in the x-goog-api-key header, never in the URL (a query-string key
// leaks into logs and error messages). Pure translation: no I/O, clock injected for `created`.
import { GatewayError } from '../core/gateway-error.js';
import type { AdapterTarget, EndpointKind, ProviderAdapter, UpstreamCall } from './provider-adapter.js';
import { isRecord } from './parse-json-safely.js';
import type { ChatCompletionIdentity } from './openai-format/openai-chat-chunk.js';
import { buildGeminiGenerateContentBody } from './gemini/build-gemini-generate-content-body.js';
import { createGeminiStreamTranslator } from './gemini/create-gemini-stream-translator.js';
import { buildGeminiEmbeddingsBody, parseGeminiEmbeddings } from './gemini/gemini-embeddings.js';
import { geminiModelId, geminiModelPath, geminiVersionPrefix } from './gemini/gemini-model-path.js';
import { parseGeminiResponse } from './gemini/parse-gemini-response.js';

export interface GeminiAdapterDeps {
  /** Epoch milliseconds (the gateway's clock): Gemini responses carry no creation time. */
  nowMs: () => number;
}

export function createGeminiAdapter(deps: GeminiAdapterDeps): ProviderAdapter {
  const identity = (target: AdapterTarget, requestId: string): ChatCompletionIdentity => ({
    id: `chatcmpl-${requestId}`,
    model: target.deployment.modelName,
    created: Math.floor(deps.nowMs() / 1000),
  });

  return {
    protocol: 'gemini',
    streamFraming: 'sse',
    supports: (endpoint) => endpoint === 'chat' || endpoint === 'embeddings',
    buildRequest(endpoint, body, target, stream): UpstreamCall {
      const modelPath = geminiModelPath(target.deployment);
      if (endpoint === 'embeddings') {
        return {
          method: 'POST',
          path: `${modelPath}:batchEmbedContents`,
          headers: geminiHeaders(target, 'application/json'),
          body: JSON.stringify(buildGeminiEmbeddingsBody(body, geminiModelId(target.deployment))),
        };
      }
      assertChat(endpoint);
      return {
        method: 'POST',
        path: stream ? `${modelPath}:streamGenerateContent?alt=sse` : `${modelPath}:generateContent`,
        headers: geminiHeaders(target, stream ? 'text/event-stream' : 'application/json'),
        body: JSON.stringify(buildGeminiGenerateContentBody(body, geminiModelId(target.deployment))),
      };
    },
    parseResponse(endpoint, json, target, _raw, requestId) {
      if (endpoint === 'embeddings') return parseGeminiEmbeddings(json, target.deployment.modelName);
      assertChat(endpoint);
      return parseGeminiResponse(json, identity(target, requestId), requestId);
    },
    createStreamTranslator(endpoint, target, requestId) {
      assertChat(endpoint);
      return createGeminiStreamTranslator(identity(target, requestId), requestId);
    },
    extractErrorMessage(json) {
      // {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}, sometimes wrapped in [].
      const body = Array.isArray(json) ? json[0] : json;
      if (!isRecord(body) || !isRecord(body.error)) return undefined;
      return typeof body.error.message === 'string' ? body.error.message : undefined;
    },
    buildModelsRequest(target) {
      return { method: 'GET', path: `${geminiVersionPrefix(target.deployment)}/models`, headers: geminiHeaders(target, 'application/json') };
    },
  };
}

function geminiHeaders(target: AdapterTarget, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  if (target.apiKey) headers['x-goog-api-key'] = target.apiKey;
  return headers;
}

function assertChat(endpoint: EndpointKind): void {
  if (endpoint !== 'chat') throw new GatewayError('invalid_request', `Gemini deployments serve chat completions and embeddings, not ${endpoint}`);
}
