// Every value a request sent for the named headers, from the raw header list: Node keeps only the
// first of repeated headers in `request.headers` (the rest are silently dropped for Host and the
// key headers), and a repeat is exactly what the guards must see. Reads; never logs.
import type { FastifyRequest } from 'fastify';

/** `names` lower-case; absent headers are absent from the result. */
export function rawHeaderValues(request: FastifyRequest, names: ReadonlySet<string>): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = {};
  const rawHeaders = request.raw.rawHeaders;
  if (Array.isArray(rawHeaders) && rawHeaders.length > 0) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase();
      if (names.has(name)) (out[name] ??= []).push(rawHeaders[i + 1]!);
    }
    return out;
  }
  for (const name of names) {
    const value = request.headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value : [value];
  }
  return out;
}
