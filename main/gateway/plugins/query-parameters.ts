// Query parameters of the management routes: a zone hook refusing a parameter given more than
// once (`?model=a&model=b`, which reached handlers as an array and became a 500) with a 400
// naming it, the type handlers then read, and the one reader of numeric parameters.
// Never echoes a rejected value.
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

/** A positive whole number parameter, or undefined when absent; anything else is a 400 naming it. */
export function positiveIntParam(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new GatewayError('invalid_request', `${param} must be a positive integer`, { param });
  return n;
}
