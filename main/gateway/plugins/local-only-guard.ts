// The first guard on every request (root context, so no route can forget it): exact Host
// allowlist against DNS rebinding (S2; one Host header only, LAN names only when bound beyond
// loopback) and JSON-only bodies without content encoding (S4, S11) unless the route decodes
// compressed bodies itself, within its size cap (decompress-request-body.ts).
// Runs before the zones' Origin policies, auth and body parsing, so a rejected request costs no
// work. Never decides about browser origins: each trust zone does (browser-origin-guard.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { matchesAllowedHost } from '../../core/allowed-host.js';
import { rawHeaderValues } from './raw-header-values.js';
import { acceptsCompressedBody } from './decompress-request-body.js';

export interface LocalOnlyOptions {
  /** The port in Host must be the one the socket is on; used when there is no socket (inject). */
  port: () => number;
  /** Extra allowed host names (LAN mode), lower-case, without port; read only for non-loopback Hosts. */
  extraHosts?: () => readonly string[];
  /**
   * The operator's names (allowed_hosts, SWITCHBOARD_ALLOWED_HOSTS; `*.domain` wildcards): in
   * Host with any port or none, since a load balancer or Service forwards its own port to ours.
   */
  namedHosts?: readonly string[];
}

const HOST_CHARS = /^[a-z0-9.\-:[\]]+$/;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const HOST_HEADER: ReadonlySet<string> = new Set(['host']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function registerLocalOnlyGuard(app: FastifyInstance, options: LocalOnlyOptions): void {
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const refusal = targetRefusal(request, options);
    if (refusal) return done(refusal);
    if (BODY_METHODS.has(request.method)) {
      const encoding = request.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity' && !acceptsCompressedBody(request)) {
        return done(new GatewayError('unsupported_media_type', 'Compressed request bodies are not accepted on this route (Content-Encoding must be absent)'));
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

/**
 * Why this request's target is not ours (an absolute-form target or a Host not on the
 * allowlist), or undefined. Also used where fastify answers without running hooks (a malformed
 * URL), so no answer ever goes to a rebinding page.
 */
export function targetRefusal(request: FastifyRequest, options: LocalOnlyOptions): GatewayError | undefined {
  // Absolute-form targets ("POST http://evil.example/...") are proxy requests, never ours.
  if ((request.raw.url ?? '').charCodeAt(0) !== 47 /* '/' */) return new GatewayError('forbidden_host', 'Request target must be a path');
  // Node keeps the first of two Host headers; whatever sits in front of us may read the last.
  if ((rawHeaderValues(request, HOST_HEADER).host?.length ?? 0) > 1) {
    return new GatewayError('forbidden_host', 'The request has more than one Host header');
  }
  if (!isAllowedHost(request.headers.host, localPortOf(request, options.port), options.extraHosts ?? [], options.namedHosts)) {
    return new GatewayError('forbidden_host', 'Host not allowed: Switchboard only answers requests addressed to localhost');
  }
  return undefined;
}

/** The port the request really arrived on; `fallback` only without a socket (app.inject). */
export function localPortOf(request: FastifyRequest, fallback: () => number): number {
  return request.raw.socket?.localPort ?? fallback();
}

/** `extraHosts` may be a function: it is called only for a Host that is not a loopback name. */
export function isAllowedHost(host: string | undefined, port: number, extraHosts: readonly string[] | (() => readonly string[]), namedHosts: readonly string[] = []): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  if (!HOST_CHARS.test(lower)) return false;
  const portAt = lower.indexOf(':', lower.lastIndexOf(']') + 1);
  const name = portAt === -1 ? lower : lower.slice(0, portAt);
  const hostPort = portAt === -1 ? 80 : /^\d{1,5}$/.test(lower.slice(portAt + 1)) ? Number(lower.slice(portAt + 1)) : undefined;
  if (hostPort === undefined || name === '') return false;
  if (LOOPBACK_NAMES.includes(name)) return hostPort === port;
  // A load balancer or Service forwards "Host: lb.example.com" or "switchboard:80" to our own
  // port: for a name the operator allowed, the port it was reached on is not ours to check.
  if (matchesAllowedHost(name, namedHosts)) return true;
  return hostPort === port && (typeof extraHosts === 'function' ? extraHosts() : extraHosts).includes(name);
}

function isJsonContentType(type: string | undefined): boolean {
  if (!type) return false;
  const base = type.split(';', 1)[0]!.trim().toLowerCase();
  return base === 'application/json';
}
