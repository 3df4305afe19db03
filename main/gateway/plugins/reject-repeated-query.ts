// A management zone hook: a query parameter given more than once (`?model=a&model=b`) is a 400
// naming it, so handlers only ever see one string per name (an array reached them and became a
// 500). Runs before validation and the handler; never reads or changes anything else.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';

/** What a management handler reads from the query string once this hook has passed it. */
export type QueryParameters = Readonly<Partial<Record<string, string>>>;

export function rejectRepeatedQuery(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  const query = request.query as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) {
      return done(new GatewayError('invalid_request', `The query parameter "${name.slice(0, 64)}" is given more than once; give it once`, { param: name.slice(0, 64) }));
    }
  }
  done();
}
