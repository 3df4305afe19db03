// The OpenAI Responses API inbound side: POST /v1/responses (and /responses), what Codex CLI and
// the openai SDK's `responses` call. Deployments that serve the Responses API get the request as
// sent (responses-native-passthrough.ts); every other one gets it bridged to chat completions and
// its answer rendered back as a Responses stream or object. Both go through proxyInference, so
// admission, budgets, retries/fallbacks and the one usage row are the same as every route's.
import type { FastifyInstance } from 'fastify';
import { proxyInference, type InferenceDeps } from '../proxy-inference.js';
import { estimatePromptTokens } from '../../core/estimate-tokens.js';
import type { Deployment } from '../../core/deployment.js';
import { parseResponsesRequest, type ResponsesRequest } from '../responses-inbound/parse-responses-request.js';
import { convertResponsesToChatRequest, withoutThinkingBlocks } from '../responses-inbound/convert-responses-to-chat-request.js';
import { createResponsesEnvelope } from '../responses-inbound/create-responses-envelope.js';
import { createResponsesStreamEncoder, type ResponsesStreamEncoderOptions } from '../responses-inbound/create-responses-stream-encoder.js';
import { renderResponsesResponse } from '../responses-inbound/render-responses-response.js';
import { newResponseId } from '../responses-inbound/new-response-id.js';
import { createResponsesNativePassthrough } from '../responses-native-passthrough.js';
import { toResponsesError } from '../responses-inbound/to-responses-error.js';
import { isGatewayError } from '../../core/gateway-error.js';

type Json = Record<string, unknown>;

/** A finished response and the request it answered: what a response store keeps for previous_response_id. */
export interface CompletedResponse {
  request: ResponsesRequest;
  /** The final response object (id, created_at, model, status, output, usage...). */
  response: Json;
}

export interface ResponsesRouteOptions {
  /** Called once per completed (or incomplete) response, bridged or passed through, stream or not. */
  onCompleted?(completed: CompletedResponse): void;
}

/** The response header listing what the bridge left out (items, parts, tools with no chat equivalent). */
export const DROPPED_HEADER = 'x-switchboard-dropped';

export function registerResponsesRoutes(app: FastifyInstance, deps: InferenceDeps, options: ResponsesRouteOptions = {}): void {
  for (const path of ['/v1/responses', '/responses']) {
    // Codex compresses large request bodies (zstd) when it talks to a gateway that accepts them.
    app.post(path, { config: { acceptsCompressedBody: true } }, async (request, reply) => {
      const parsed = parseResponsesRequest(request.body);
      const bridge = convertResponsesToChatRequest(parsed);
      const onCompleted = options.onCompleted === undefined ? undefined : (response: Json) => options.onCompleted!({ request: parsed, response });
      const envelope = createResponsesEnvelope({ id: newResponseId(), createdAt: Math.floor(deps.now() / 1000), request: parsed });
      const encoderOptions: ResponsesStreamEncoderOptions = {
        envelope,
        toolOrigins: bridge.toolOrigins,
        estimateInputTokens: () => estimatePromptTokens(bridge.body),
        ...(onCompleted === undefined ? {} : { onCompleted }),
      };
      try {
        await proxyInference(deps, 'chat', request, reply, {
          body: bridge.body,
          encoder: () => createResponsesStreamEncoder(encoderOptions),
          renderJson: (answer) => JSON.stringify(renderResponsesResponse(answer, encoderOptions)),
          native: createResponsesNativePassthrough({ body: parsed.body, untranslatable: bridge.untranslatable, ...(onCompleted === undefined ? {} : { onCompleted }) }),
          // Signed thinking replays only on Anthropic; any other backend would reject the field.
          ...(bridge.replaysThinking ? { bodyFor: thinkingOnlyForAnthropic } : {}),
          ...(bridge.dropped.length === 0
            ? {}
            : {
                translatedHeaders: () => {
                  request.log.warn({ dropped: bridge.dropped }, 'Responses request bridged to chat completions without what has no equivalent there');
                  return { [DROPPED_HEADER]: bridge.dropped.join(', ') };
                },
              }),
        });
      } catch (error) {
        // Codex recognises a full context window only as response.failed with code
        // context_length_exceeded (an HTTP 400 is a fatal "invalid request" to it): a streamed
        // request that fails so before the first byte (a local model's small window, the context
        // guard) gets that stream, so Codex says the window is full and compacts before retrying.
        if (!parsed.stream || reply.sent || !isGatewayError(error) || toResponsesError(error).code !== 'context_length_exceeded') throw error;
        const encoder = createResponsesStreamEncoder(encoderOptions);
        reply.code(200).header('cache-control', 'no-cache').type('text/event-stream; charset=utf-8').send(encoder.start() + encoder.error(error));
      }
    });
  }
}

function thinkingOnlyForAnthropic(deployment: Deployment, body: Json): Json {
  return deployment.protocol === 'anthropic' ? body : withoutThinkingBlocks(body);
}
