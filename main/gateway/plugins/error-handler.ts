// One place that turns every failure into OpenAI's error shape with the right status: our
// GatewayErrors, fastify's own parse/limit errors, and anything unexpected (500, generic
// message, logged with the request id, never a stack trace or a secret to the client).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { isStorageError } from '../../storage/storage-error.js';

const FASTIFY_CODES: Record<string, () => GatewayError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new GatewayError('invalid_request', 'Content-Length does not match the body'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new GatewayError('payload_too_large', 'Request body is too large'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new GatewayError('invalid_json', 'The request body is empty; send a JSON object'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new GatewayError('invalid_json', 'The request body is not valid JSON'),
  FST_ERR_CTP_EMPTY_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
  FST_ERR_CTP_INVALID_TYPE: () => new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'),
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
}

export function registerErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const clientError = toClientError(error);
    if (clientError.code === 'internal_error') {
      request.log.error({ err: error, requestId: request.id }, 'unhandled error');
    }
    if (clientError.retryAfter !== undefined) reply.header('retry-after', String(clientError.retryAfter));
    reply
      .headers(clientError.headers)
      .header('x-request-id', request.id)
      .code(clientError.status)
      .type('application/json')
      .send(JSON.stringify(clientError.toBody()));
  });
  app.setNotFoundHandler({ ...(options.notFoundGuard ? { preHandler: options.notFoundGuard as preHandlerHookHandler } : {}) }, (request: FastifyRequest, reply: FastifyReply) => {
    const error = new GatewayError('route_not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]!.slice(0, 200)}`);
    reply.header('x-request-id', request.id).code(error.status).type('application/json').send(JSON.stringify(error.toBody()));
  });
}
