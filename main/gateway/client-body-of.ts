// The client's own body as the JSON parser kept it (text and UTF-8 bytes), for forwarding with
// only a value or two rewritten in place. Undefined when `body` is not the object the parser made
// from that text (a route that built another body: translated, or with stored history spliced
// in), or when the parser kept none (no JSON body, or a nesting limit raised past what forwarding
// allows: json-body-parser.ts).
import type { FastifyRequest } from 'fastify';
import type { ClientBody } from '../providers/provider-adapter.js';

export function clientBodyOf(request: FastifyRequest, body: unknown): ClientBody | undefined {
  if (body !== request.body || request.bodyText === null) return undefined;
  return { text: request.bodyText, bytes: request.bodyBytes ?? undefined };
}
