// The inference half of the Ollama-compatible API: POST /api/chat, /api/generate, /api/embed and
// the legacy /api/embeddings, what Copilot Chat's Ollama provider, Zed, JetBrains AI Assistant and
// Open WebUI call. Requests are translated to the canonical OpenAI form and routed like any other
// (admission, budgets, retries and fallbacks, one usage row named after the path); Ollama
// deployments get chat and generate natively (ollama-native-passthrough.ts). Every error is
// Ollama-shaped: `{"error": "..."}` with a 4xx/5xx status, or a final NDJSON line mid-stream.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { estimatePromptTokens } from '../../core/estimate-tokens.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import type { ParsedResponse } from '../../providers/provider-adapter.js';
import { sendError } from '../plugins/error-handler.js';
import { principalOf } from '../plugins/authenticate.js';
import { keyMayUseGroup, modelNotAllowed } from '../admit-attempt.js';
import { proxyInference, type ClientFormat, type InferenceDeps } from '../proxy-inference.js';
import { createOpenAISseEncoder } from '../relay-stream.js';
import { DROPPED_HEADER } from './responses-routes.js';
import { createOllamaNativePassthrough } from '../ollama-native-passthrough.js';
import { resolveOllamaModelName } from '../ollama-discovery/resolve-ollama-model-name.js';
import { parseOllamaChatRequest } from '../ollama-inbound/parse-ollama-chat-request.js';
import { parseOllamaGenerateRequest } from '../ollama-inbound/parse-ollama-generate-request.js';
import { parseOllamaEmbedRequest, parseOllamaEmbeddingsRequest } from '../ollama-inbound/parse-ollama-embed-request.js';
import { convertOllamaChatToOpenAIRequest, type OpenAIChatBridge } from '../ollama-inbound/convert-ollama-chat-to-openai-request.js';
import { convertOllamaGenerateToOpenAIRequest } from '../ollama-inbound/convert-ollama-generate-to-openai-request.js';
import { ollamaRoutingBody } from '../ollama-inbound/ollama-routing-body.js';
import { createOllamaStreamEncoder, type OllamaStreamEncoderOptions } from '../ollama-inbound/create-ollama-stream-encoder.js';
import { renderOllamaResponse } from '../ollama-inbound/render-ollama-response.js';
import { DEFAULT_MAX_KEEP_ALIVE_SECONDS, parseKeepAliveSeconds } from '../ollama-inbound/cap-keep-alive.js';
import type { OllamaCommonFields } from '../ollama-inbound/parse-ollama-common-fields.js';
import { clientBodyOf } from '../client-body-of.js';

type Json = Record<string, unknown>;

export interface OllamaInferenceRouteOptions {
  /**
   * The longest keep_alive forwarded to Ollama deployments, in seconds, read per request; null
   * forwards the client's unchanged. DEFAULT_MAX_KEEP_ALIVE_SECONDS (30 min) when absent.
   */
  maxKeepAliveSeconds?: () => number | null;
}

export function registerOllamaInferenceRoutes(app: FastifyInstance, deps: InferenceDeps, options: OllamaInferenceRouteOptions = {}): void {
  const maxKeepAliveSeconds = options.maxKeepAliveSeconds ?? (() => DEFAULT_MAX_KEEP_ALIVE_SECONDS);
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendError(request, reply, error, 'ollama'));

    scope.post('/api/chat', async (request, reply) => {
      const startedAt = deps.monotonic();
      const parsed = parseOllamaChatRequest(request.body);
      const model = servedModelName(deps, request, parsed.model);
      // Ollama reads an empty conversation as "load the model" (keep_alive 0: unload); see loadAnswer.
      if (parsed.messages.length === 0) return loadAnswer(deps, reply, parsed, 'chat');
      const bridge = ollamaRoutingBody(parsed, model, convertOllamaChatToOpenAIRequest, (chat) => chat.messages.map((message) => message.content).join('\n'));
      await proxyInference(deps, 'chat', request, reply, ollamaFormat(deps, request, 'chat', parsed, bridge, startedAt, maxKeepAliveSeconds()));
    });

    scope.post('/api/generate', async (request, reply) => {
      const startedAt = deps.monotonic();
      const parsed = parseOllamaGenerateRequest(request.body);
      const model = servedModelName(deps, request, parsed.model);
      if (parsed.prompt === '' && parsed.images.length === 0) return loadAnswer(deps, reply, parsed, 'generate');
      const bridge = ollamaRoutingBody(parsed, model, convertOllamaGenerateToOpenAIRequest, (generate) => `${generate.system ?? ''}\n${generate.prompt}`);
      await proxyInference(deps, 'chat', request, reply, ollamaFormat(deps, request, 'generate', parsed, bridge, startedAt, maxKeepAliveSeconds()));
    });

    scope.post('/api/embed', async (request, reply) => {
      const startedAt = deps.monotonic();
      const parsed = parseOllamaEmbedRequest(request.body);
      const model = servedModelName(deps, request, parsed.model);
      const body: Json = { model, input: parsed.input, encoding_format: 'float' };
      if (parsed.dimensions !== undefined) body.dimensions = parsed.dimensions;
      await proxyInference(deps, 'embeddings', request, reply, {
        body,
        encoder: createOpenAISseEncoder,
        renderJson: (answer) => JSON.stringify({
          model: parsed.model,
          embeddings: vectorsOf(answer),
          total_duration: nanoseconds(deps.monotonic() - startedAt),
          load_duration: 0,
          prompt_eval_count: answer.usage?.promptTokens ?? 0,
        }),
        // truncate: false asks Ollama for an error instead of a cut input; other servers decide for themselves.
        ...(parsed.truncate === false ? { translatedHeaders: () => ({ [DROPPED_HEADER]: 'truncate' }) } : {}),
      });
    });

    scope.post('/api/embeddings', async (request, reply) => {
      const parsed = parseOllamaEmbeddingsRequest(request.body);
      const model = servedModelName(deps, request, parsed.model);
      // Ollama answers an empty prompt with an empty vector and calls no model; so does Switchboard.
      if (parsed.prompt === '') return reply.type('application/json').send(JSON.stringify({ embedding: [] }));
      await proxyInference(deps, 'embeddings', request, reply, {
        body: { model, input: parsed.prompt, encoding_format: 'float' },
        encoder: createOpenAISseEncoder,
        renderJson: (answer) => JSON.stringify({ embedding: vectorsOf(answer)[0] ?? [] }),
      });
    });
  });
}

/**
 * The configured model a client's `name:tag` means (resolveOllamaModelName), checked to exist and
 * to be allowed for the key here, so a 404 names the Ollama way to list models.
 */
function servedModelName(deps: InferenceDeps, request: FastifyRequest, name: string): string {
  const router = deps.router();
  const model = resolveOllamaModelName(name, (candidate) => router.resolve(candidate) !== undefined);
  const group = model === undefined ? undefined : router.resolve(model);
  if (model === undefined || group === undefined) {
    throw new GatewayError('model_not_found', `model "${name}" not found: GET /api/tags lists the models this gateway serves`, { param: 'model' });
  }
  const principal = principalOf(request);
  if (!keyMayUseGroup(principal, model, group.name, group.name)) throw modelNotAllowed(principal, name);
  return model;
}

function ollamaFormat(
  deps: InferenceDeps,
  request: FastifyRequest,
  kind: 'chat' | 'generate',
  parsed: OllamaCommonFields,
  bridge: OpenAIChatBridge,
  startedAt: number,
  maxKeepAliveSeconds: number | null,
): ClientFormat {
  const encoderOptions: OllamaStreamEncoderOptions = {
    model: parsed.model,
    kind,
    now: deps.now,
    monotonic: deps.monotonic,
    startedAt,
    estimateInputTokens: () => estimatePromptTokens(bridge.body),
  };
  const { dropped } = bridge;
  return {
    body: bridge.body,
    encoder: () => createOllamaStreamEncoder(encoderOptions),
    renderJson: (answer) => JSON.stringify(renderOllamaResponse(answer, encoderOptions)),
    native: createOllamaNativePassthrough({
      kind, body: parsed.body, requestedModel: parsed.model, maxKeepAliveSeconds, untranslatable: bridge.untranslatable, clientBody: clientBodyOf(request, parsed.body),
    }),
    ...(dropped.length === 0
      ? {}
      : {
          translatedHeaders: () => {
            request.log.warn({ dropped }, 'Ollama request translated without what the OpenAI form has no field for');
            return { [DROPPED_HEADER]: dropped.join(', ') };
          },
        }),
  };
}

/**
 * A load request (no messages, no prompt) answers at once, as Ollama does: done with done_reason
 * "load" ("unload" with keep_alive 0), one JSON object even when streaming. No upstream is called
 * and no usage row is written: nothing was generated, and models behind Switchboard are loaded
 * by their servers when the first real request comes.
 */
function loadAnswer(deps: InferenceDeps, reply: FastifyReply, parsed: OllamaCommonFields, kind: 'chat' | 'generate'): FastifyReply {
  const unload = parsed.keepAlive !== undefined && parseKeepAliveSeconds(parsed.keepAlive) === 0;
  const answer: Json = { model: parsed.model, created_at: new Date(deps.now()).toISOString() };
  if (kind === 'chat') answer.message = { role: 'assistant', content: '' };
  else answer.response = '';
  answer.done_reason = unload ? 'unload' : 'load';
  answer.done = true;
  return reply.type('application/json').send(JSON.stringify(answer));
}

/** The vectors of an OpenAI embeddings answer, in input order. */
function vectorsOf(answer: ParsedResponse): number[][] {
  const data = answer.body.data;
  if (!Array.isArray(data)) throw new GatewayError('upstream_bad_response', 'The upstream sent embeddings without a data array');
  return data
    .filter(isRecord)
    .sort((a, b) => (typeof a.index === 'number' ? a.index : 0) - (typeof b.index === 'number' ? b.index : 0))
    .map((item) => {
      if (!Array.isArray(item.embedding)) throw new GatewayError('upstream_bad_response', 'The upstream sent an embedding that is not an array of numbers');
      return item.embedding as number[];
    });
}

function nanoseconds(ms: number): number {
  return Math.max(0, Math.round(ms * 1e6));
}
