// The OpenAI Responses API inbound side: POST /v1/responses (and /responses), what Codex CLI and
// the openai SDK's `responses` call. Deployments that serve the Responses API get the request as
// sent (responses-native-passthrough.ts); every other one gets it bridged to chat completions and
// its answer rendered back as a Responses stream or object. Both go through proxyInference, so
// admission, budgets, retries/fallbacks and the one usage row are the same as every route's.
import type { FastifyInstance, FastifyReply } from 'fastify';
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
import { clientBodyOf } from '../client-body-of.js';
import { toResponsesError } from '../responses-inbound/to-responses-error.js';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { responsesInputItems } from '../responses-inbound/responses-input-items.js';
import { principalOf } from '../plugins/authenticate.js';
import { responseOwnerOf } from '../stored-responses/response-owner.js';
import { shouldStoreResponse } from '../stored-responses/should-store-response.js';
import type { ConversationStore } from '../stored-responses/conversation-store.js';
import { expandPreviousResponse, type ExpandedInput } from '../stored-responses/expand-previous-response.js';
import { rememberResponse } from '../stored-responses/remember-response.js';

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
  /**
   * Where finished responses are kept (unless the request says store: false) and where
   * previous_response_id is looked up; without it previous_response_id is refused.
   */
  store?: ConversationStore;
}

/** The response header listing what the bridge left out (items, parts, tools with no chat equivalent). */
export const DROPPED_HEADER = 'x-switchboard-dropped';
/** Set when previous_response_id's conversation lost its oldest part (pruned, deleted, past the depth bound). */
export const HISTORY_TRUNCATED_HEADER = 'x-switchboard-history-truncated';

export function registerResponsesRoutes(app: FastifyInstance, deps: InferenceDeps, options: ResponsesRouteOptions = {}): void {
  for (const path of ['/v1/responses', '/responses']) {
    // Codex compresses large request bodies (zstd) when it talks to a gateway that accepts them.
    app.post(path, { config: { acceptsCompressedBody: true } }, async (request, reply) => {
      const parsed = parseResponsesRequest(request.body);
      const { store } = options;
      const owner = store === undefined ? null : responseOwnerOf(principalOf(request));
      const ownInput = responsesInputItems(parsed);
      // What goes upstream: the stored conversation previous_response_id names, then this input.
      const continued = store === undefined ? withoutHistory(parsed) : withHistory(parsed, store, owner, ownInput, reply);
      // Awaited only in team mode (a Promise): SQLite's path gains no microtask.
      const upstream = continued instanceof Promise ? await continued : continued;
      const bridge = convertResponsesToChatRequest(upstream);
      const storing = store !== undefined && shouldStoreResponse(parsed.body);
      const onCompleted =
        options.onCompleted === undefined && !storing
          ? undefined
          : (response: Json) => {
              if (storing && store !== undefined && typeof response.id === 'string') rememberResponse(store, request.log, { owner, request: parsed.body, input: ownInput, response: response as Json & { id: string } });
              options.onCompleted?.({ request: parsed, response });
            };
      const envelope = createResponsesEnvelope({ id: newResponseId(), createdAt: Math.floor(deps.now() / 1000), request: parsed, stored: storing });
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
          renderJson: (answer) => renderResponsesResponse(answer, encoderOptions),
          native: createResponsesNativePassthrough({
            body: upstream.body,
            untranslatable: bridge.untranslatable,
            ...(onCompleted === undefined ? {} : { onCompleted }),
            // None when stored history was spliced into the body: it is no longer the client's own.
            clientBody: clientBodyOf(request, upstream.body),
          }),
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

/** Without a response store nothing can be continued: refused, not ignored (that would answer without the history). */
function withoutHistory(parsed: ResponsesRequest): ResponsesRequest {
  const id = parsed.body.previous_response_id;
  if (id === undefined || id === null) return parsed;
  throw new GatewayError('invalid_request', 'previous_response_id is not supported here: this gateway keeps no responses, so send the whole conversation in "input"', { param: 'previous_response_id' });
}

/**
 * The request as sent upstream when it continues a stored response: the history's items then its
 * own, and no previous_response_id (the upstream never saw the stored responses, and a
 * pass-through upstream would look the id up in its own store).
 */
function withHistory(parsed: ResponsesRequest, store: ConversationStore, owner: string | null, ownInput: readonly Json[], reply: FastifyReply): ResponsesRequest | Promise<ResponsesRequest> {
  const id = parsed.body.previous_response_id;
  if (id === undefined || id === null) return parsed;
  const expanded = expandPreviousResponse(store, owner, parsed.body, ownInput);
  return expanded instanceof Promise ? expanded.then((found) => continuedRequest(parsed, found, reply)) : continuedRequest(parsed, expanded, reply);
}

function continuedRequest(parsed: ResponsesRequest, expanded: ExpandedInput, reply: FastifyReply): ResponsesRequest {
  if (expanded.truncated) reply.header(HISTORY_TRUNCATED_HEADER, 'true');
  const { previous_response_id: _continued, ...body } = parsed.body;
  const input = expanded.input as Json[];
  return { ...parsed, body: { ...body, input }, input };
}
