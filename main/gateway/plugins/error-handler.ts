// One place that turns every failure into the route's error shape (OpenAI's, Anthropic's on the
// Anthropic routes, Ollama's `{"error": "..."}` on /api/*) with the right status: our GatewayErrors, fastify's own parse/limit and
// malformed-URL errors, and anything unexpected (500, generic message, logged with the request
// id, never a stack trace or a secret to the client).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { isStorageError } from '../../storage/storage-error.js';
import { anthropicErrorBody } from '../anthropic-inbound/anthropic-error-body.js';

const FASTIFY_CODES: Record<string, () => GatewayError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new GatewayError('invalid_request', 'Content-Length does not match the body'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new GatewayError('payload_too_large', 'Request body is too large'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new GatewayError('invalid_json', 'The request body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new GatewayError('invalid_json', 'The request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
  FST_ERR_CTP_INVALID_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
  FST_ERR_BAD_URL: () => new GatewayError('invalid_request', 'The request URL is malformed (an invalid percent-escape?)'),
  FST_ERR_MAX_PARAM_LENGTH: () => new GatewayError('invalid_request', 'A part of the request URL is too long', { status: 414 }),
};

export function toClientError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  if (isStorageError(error)) {
    return error.code === 'storage_busy'
      ? new GatewayError('storage_busy', 'The usage database is busy; try again in a moment', { retryAfter: 1 })
      : new GatewayError('service_unavailable', `The usage database is unavailable (${error.code}); see the gateway log`);
  }
  const fastifyError = error as Partial<FastifyError> & { type?: string };
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return mapped();
  if (fastifyError.type === 'request.aborted' || fastifyError.code === 'ECONNRESET') {
    return new GatewayError('client_closed', 'The client closed the connection');
  }
  if (error instanceof SyntaxError || (fastifyError.statusCode === 400 && /JSON|prototype/i.test(fastifyError.message ?? ''))) {
    return new GatewayError('invalid_json', 'The request body is not valid JSON');
  }
  if (fastifyError.statusCode === 413) return new GatewayError('payload_too_large', 'Request body is too large');
  if (fastifyError.statusCode === 415) return new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)');
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new GatewayError('invalid_request', 'The request could not be processed', { status: fastifyError.statusCode });
  }
  return new GatewayError('internal_error', 'Internal error');
}

export interface ErrorHandlerOptions {
  /** Runs before the 404 answer: the strictest browser policy, so no web page learns even that. */
  notFoundGuard?: onRequestHookHandler;
  /** The error shape for a path no route matched (404s under /v1/messages are Anthropic's). */
  shapeOf?: (path: string) => ErrorShape;
}

/** The wire shape of a route's errors. */
export type ErrorShape = 'openai' | 'anthropic' | 'ollama';

/** Answers `error` in `shape` with its catalogue status, Retry-After and headers, and the request id. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, shape: ErrorShape): void {
  const clientError = toClientError(error);
  if (clientError.code === 'internal_error') {
    request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  }
  if (clientError.retryAfter !== undefined) reply.header('retry-after', String(clientError.retryAfter));
  reply.headers(clientError.headers).header('x-request-id', request.id).code(clientError.status).type('application/json');
  if (shape === 'anthropic') {
    reply.header('request-id', request.id).send(JSON.stringify(anthropicErrorBody(clientError, request.id)));
  } else if (shape === 'ollama') {
    // Ollama's clients read only `error` (a string); the status says what kind.
    reply.send(JSON.stringify({ error: clientError.message }));
  } else {
    reply.send(JSON.stringify(clientError.toBody()));
  }
}

export interface FrameworkErrorOptions {
  /** The Host/target check the hooks would have made (they do not run for these errors). */
  refuseTarget: (request: FastifyRequest) => GatewayError | undefined;
  /** The shape of the routes a path aims at: no route matched, so the path is all there is. */
  shapeOf: (path: string) => ErrorShape;
}

/**
 * fastify's `frameworkErrors`: a malformed URL (a bad percent-escape) is answered before routing
 * and before every hook, with fastify's own `{"error":"Bad Request"}`. This answers it inside
 * the contract instead, after the Host check a hook would have made (S2).
 */
export function createFrameworkErrorHandler(options: FrameworkErrorOptions): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => sendError(request, reply, options.refuseTarget(request) ?? error, options.shapeOf(request.url));
}

export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(request, reply, error, 'openai'));
  app.setNotFoundHandler({ ...(options.notFoundGuard ? { preHandler: options.notFoundGuard as preHandlerHookHandler } : {}) }, (request: FastifyRequest, reply: FastifyReply) => {
    const error = new GatewayError('route_not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]!.slice(0, 200)}`);
    sendError(request, reply, error, options.shapeOf?.(request.url) ?? 'openai');
  });
}
