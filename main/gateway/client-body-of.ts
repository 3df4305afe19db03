// The client's own body as the JSON parser kept it (text and UTF-8 bytes), for forwarding with
// only a value or two rewritten in place; undefined when the parser kept none (no JSON body, or a
// nesting limit raised past what forwarding allows: json-body-parser.ts).
import type { FastifyRequest } from 'fastify';
import type { ClientBody } from '../providers/provider-adapter.js';

export function clientBodyOf(request: FastifyRequest): ClientBody | undefined {
  return request.bodyText === null ? undefined : { text: request.bodyText, bytes: request.bodyBytes ?? undefined };
}
