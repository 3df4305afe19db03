// Refuses requests with more header lines than any client sends (431, before every other hook).
// Node's parser silently drops every header past its maxHeadersCount, so without a cap a
// non-browser client could hide an Origin or a second Host behind filler lines that no guard
// would ever see; the server reads one line past this cap so the overflow is visible here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';

/** SDKs send ~15 header lines, browsers ~20, proxies add a few: 100 leaves room and hides nothing. */
export const MAX_REQUEST_HEADERS = 100;

export function registerHeaderCountLimit(app: FastifyInstance): void {
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const rawHeaders = request.raw.rawHeaders;
    const count = Array.isArray(rawHeaders) ? rawHeaders.length / 2 : Object.keys(request.headers).length;
    if (count > MAX_REQUEST_HEADERS) {
      return done(new GatewayError('headers_too_large', `The request has more than ${MAX_REQUEST_HEADERS} header lines`));
    }
    done();
  });
}
