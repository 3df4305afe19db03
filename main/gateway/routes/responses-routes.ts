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
    });
  }
}

function thinkingOnlyForAnthropic(deployment: Deployment, body: Json): Json {
  return deployment.protocol === 'anthropic' ? body : withoutThinkingBlocks(body);
}
