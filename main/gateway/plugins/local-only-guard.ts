// The first hook on every request (root context, so no route can forget it): exact Host
// allowlist against DNS rebinding (S2), browser-originated requests refused (S3), JSON-only
// bodies without content encoding (S4, S11). Runs before auth and body parsing, so a rejected
// request costs no work. Never answers CORS with `*` or an unlisted origin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { rawHeaderValues } from './raw-header-values.js';

export interface LocalOnlyOptions {
  /** The port in Host must be the one the socket is on; used when there is no socket (inject). */
  port: () => number;
  /** Extra allowed host names (LAN mode), lower-case, without port; read only for non-loopback Hosts. */
  extraHosts?: () => readonly string[];
  /** Browser origins allowed to call inference routes (default none). */
  allowedOrigins?: () => readonly string[];
  /** Prefixes of routes the dashboard calls; the gateway's own origin is allowed there. */
  dashboardPrefixes: readonly string[];
}

const HOST_CHARS = /^[a-z0-9.\-:[\]]+$/;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const HOST_HEADER: ReadonlySet<string> = new Set(['host']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function registerLocalOnlyGuard(app: FastifyInstance, options: LocalOnlyOptions): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const port = request.raw.socket?.localPort ?? options.port();
    const rawUrl = request.raw.url ?? '';
    // Absolute-form targets ("POST http://evil.example/...") are proxy requests, never ours.
    if (rawUrl.charCodeAt(0) !== 47 /* '/' */) return done(new GatewayError('forbidden_host', 'Request target must be a path'));

    // Node keeps the first of two Host headers; whatever sits in front of us may read the last.
    if ((rawHeaderValues(request, HOST_HEADER).host?.length ?? 0) > 1) {
      return done(new GatewayError('forbidden_host', 'The request has more than one Host header'));
    }
    const host = request.headers.host;
    if (!isAllowedHost(host, port, options.extraHosts ?? [])) {
      return done(new GatewayError('forbidden_host', 'Host not allowed: Switchboard only answers requests addressed to localhost'));
    }

    // Browsers leave the default port out of Origin (and Host): on port 80 that is the only form.
    const ownOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
    if (port === 80) ownOrigins.push('http://127.0.0.1', 'http://localhost', 'http://[::1]');
    const isDashboardRoute = options.dashboardPrefixes.some((prefix) => rawUrl === prefix || rawUrl.startsWith(prefix));
    const allowed = [...(options.allowedOrigins?.() ?? []), ...(isDashboardRoute ? ownOrigins : [])];
    const origin = request.headers.origin;
    const fetchSite = request.headers['sec-fetch-site'];
    if (origin !== undefined) {
      if (!allowed.includes(origin)) return done(new GatewayError('forbidden_origin', 'Requests from web pages are not allowed; add the origin under Settings → Allowed browser origins'));
      reply.header('vary', 'Origin');
      if (!isDashboardRoute || !ownOrigins.includes(origin)) {
        reply.header('access-control-allow-origin', origin);
      }
    } else if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
      return done(new GatewayError('forbidden_origin', 'Cross-site requests are not allowed'));
    } else {
      const referer = request.headers.referer;
      if (referer !== undefined && !allowed.includes(originOf(referer))) {
        return done(new GatewayError('forbidden_origin', 'Requests from web pages are not allowed'));
      }
    }
    if (request.method === 'OPTIONS') {
      // Only a listed origin gets here; answer its preflight and nothing else.
      reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-api-key')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
      return;
    }
    if (BODY_METHODS.has(request.method)) {
      const encoding = request.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
        return done(new GatewayError('unsupported_media_type', 'Compressed request bodies are not accepted (Content-Encoding must be absent)'));
      }
      const type = request.headers['content-type'];
      const hasBody = request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0' || request.headers['transfer-encoding'] !== undefined;
      if ((hasBody || type !== undefined) && !isJsonContentType(type)) {
        return done(new GatewayError('unsupported_media_type', 'Request bodies must be JSON (Content-Type: application/json)'));
      }
    }
    done();
  });
}

/** `extraHosts` may be a function: it is called only for a Host that is not a loopback name. */
export function isAllowedHost(host: string | undefined, port: number, extraHosts: readonly string[] | (() => readonly string[])): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  if (!HOST_CHARS.test(lower)) return false;
  const suffix = `:${port}`;
  let name: string;
  if (lower.endsWith(suffix)) name = lower.slice(0, -suffix.length);
  else if (port === 80 && !lower.includes(':', lower.lastIndexOf(']') + 1)) name = lower;
  else return false;
  if (LOOPBACK_NAMES.includes(name)) return true;
  return (typeof extraHosts === 'function' ? extraHosts() : extraHosts).includes(name);
}

function isJsonContentType(type: string | undefined): boolean {
  if (!type) return false;
  const base = type.split(';', 1)[0]!.trim().toLowerCase();
  return base === 'application/json';
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
