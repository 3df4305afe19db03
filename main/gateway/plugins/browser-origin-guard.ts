// A trust zone's browser policy, as an onRequest hook: requests from web pages (Origin,
// cross-site Sec-Fetch-Site, a foreign Referer) are refused unless their origin is one the zone
// admits (S3). Only a zone with CORS (inference) answers preflights and sends
// Access-Control-Allow-Origin, and then only the admitted origin itself: never `*`, never an
// unlisted origin, never Access-Control-Allow-Private-Network.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';

export interface BrowserOriginPolicy {
  /** The origins admitted, for a request that arrived on `port`. */
  admits: (port: number) => readonly string[];
  /**
   * Origins admitted besides `admits` but never sent CORS headers: the gateway's own, for a zone
   * with CORS that the dashboard also calls (a same-origin page needs no CORS).
   */
  sameOrigin?: (port: number) => readonly string[];
  /** Send CORS headers to admitted origins and answer their preflights. */
  cors: boolean;
  /** The refusal, saying what this zone admits. */
  refusal: string;
  /** The port requests arrive on (the socket's, else this; see local-only-guard.ts). */
  port: (request: FastifyRequest) => number;
}

/** The gateway's own origins, the only ones the dashboard calls from. */
export function ownOrigins(port: number): string[] {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
  // Browsers leave the default port out of Origin (and Host): on port 80 that is the only form.
  if (port === 80) origins.push('http://127.0.0.1', 'http://localhost', 'http://[::1]');
  return origins;
}

export function createBrowserOriginGuard(policy: BrowserOriginPolicy): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const port = policy.port(request);
    const admitted = policy.admits(port);
    const own = policy.sameOrigin?.(port) ?? [];
    const origin = request.headers.origin;
    // The answer depends on Origin wherever an origin can be admitted with CORS: caches must know.
    if (policy.cors && admitted.length > 0) reply.header('vary', 'Origin');
    if (origin !== undefined) {
      if (own.includes(origin)) {
        // Same origin: admitted, and no CORS header is needed or sent.
      } else if (!admitted.includes(origin)) {
        return done(new GatewayError('forbidden_origin', policy.refusal));
      } else if (policy.cors) {
        reply.header('access-control-allow-origin', origin);
      }
    } else {
      const fetchSite = request.headers['sec-fetch-site'];
      if (fetchSite === 'cross-site' || fetchSite === 'same-site') return done(new GatewayError('forbidden_origin', 'Cross-site requests are not allowed'));
      const referer = request.headers.referer;
      if (referer !== undefined && !admitted.includes(originOf(referer)) && !own.includes(originOf(referer))) return done(new GatewayError('forbidden_origin', policy.refusal));
    }
    if (policy.cors && request.method === 'OPTIONS') {
      // Only an admitted origin (or no browser at all) gets here; answer its preflight and nothing else.
      reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-api-key')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
      return;
    }
    done();
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
