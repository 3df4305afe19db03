// The Anthropic-compatible inbound side: POST /v1/messages (what Claude Code and the Anthropic
// SDKs call) and /v1/messages/count_tokens. A Messages request is translated to the canonical
// OpenAI form and routed like any other, so it reaches every kind of deployment; the answer is
// translated back into a Messages response or event stream, and every error is Anthropic-shaped.
// Anthropic deployments get the request natively instead (anthropic-native-passthrough.ts).
import type { FastifyInstance } from 'fastify';
import { sendError, type ErrorShape } from '../plugins/error-handler.js';
import { proxyInference, type InferenceDeps } from '../proxy-inference.js';
import { parseAnthropicCountTokensRequest, parseAnthropicMessagesRequest } from '../anthropic-inbound/parse-anthropic-request.js';
import { anthropicRoutingBody, createAnthropicNativePassthrough } from '../anthropic-native-passthrough.js';
import { clientBodyOf } from '../client-body-of.js';
import { convertOpenAIToAnthropicResponse } from '../anthropic-inbound/convert-openai-to-anthropic-response.js';
import { createAnthropicStreamEncoder } from '../anthropic-inbound/create-anthropic-stream-encoder.js';
import { countAnthropicTokens } from '../anthropic-inbound/count-anthropic-tokens.js';

/** Every Anthropic route is under this path. */
const ANTHROPIC_PATH = '/v1/messages';

/** The error shape for a path that matched no route (a malformed URL, a 404): Ollama's under /api/. */
export function errorShapeOfPath(path: string): ErrorShape {
  if (path.startsWith('/api/')) return 'ollama';
  return path.startsWith(ANTHROPIC_PATH) ? 'anthropic' : 'openai';
}

export function registerAnthropicRoutes(app: FastifyInstance, deps: InferenceDeps): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendError(request, reply, error, 'anthropic'));

    scope.post(ANTHROPIC_PATH, async (request, reply) => {
      const messages = parseAnthropicMessagesRequest(request.body);
      const messageId = `msg_${request.id.replace(/-/g, '')}`;
      const { body, untranslatable } = anthropicRoutingBody(messages);
      await proxyInference(deps, 'chat', request, reply, {
        body,
        encoder: () => createAnthropicStreamEncoder({
          requestedModel: messages.model,
          messageId,
          inputTokensEstimate: countAnthropicTokens(messages).input_tokens,
        }),
        renderJson: (parsed) => JSON.stringify(convertOpenAIToAnthropicResponse(parsed.body, { requestedModel: messages.model, messageId, usage: parsed.usage })),
        native: createAnthropicNativePassthrough({ body: request.body as Record<string, unknown>, headers: request.headers, untranslatable, clientBody: clientBodyOf(request, request.body) }),
      });
    });

    scope.post(`${ANTHROPIC_PATH}/count_tokens`, async (request) => countAnthropicTokens(parseAnthropicCountTokensRequest(request.body)));
  });
}
