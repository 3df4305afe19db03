// Authentication for the zones' auth hooks: the key comes from `Authorization: Bearer`,
// `x-api-key` or `x-goog-api-key`, is hashed, and compared or looked up by hash only (S7).
// Hostile strings fail exactly like wrong keys, with one body (S6); an address guessing keys is
// made to wait. Never logs, stores or echoes the presented key.
import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Principal } from '../../core/principal.js';
import type { VirtualKeyLookup } from '../../keys/virtual-key-lookup.js';
import { rawHeaderValues } from './raw-header-values.js';
import { looksLikeVirtualKey } from '../../keys/virtual-keys.js';
import type { FailedAuthThrottle } from './failed-auth-throttle.js';
import { whenSettled, type MaybePromise } from '../../core/run-maybe-async.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, attached by the zone's auth hook; null on public routes (dashboard files, liveness). */
    principal: Principal | null;
  }
}

export interface Authenticator {
  /**
   * The caller, or a GatewayError thrown (401, 429). A Promise only when a virtual key missed the
   * cache on PostgreSQL (it rejects with the same errors); hooks await only a Promise.
   */
  authenticate(request: FastifyRequest): MaybePromise<Principal>;
  /** True when an admin key is configured (otherwise the gateway is in local open mode); may turn true while running. */
  readonly enforced: boolean;
}

export interface AdminKeyAuthenticator extends Authenticator {
  /** Ends open mode without a restart ("Require keys"): from the next request on, `key` is the admin key. Only while open. */
  requireKey(key: string): void;
  /** Rotation: from the next request on, `key` is the admin key and the old one is refused. Only while a key is in effect. */
  replaceKey(key: string): void;
  /** Back to open mode without a restart: from the next request on, no admin key is required. */
  dropKey(): void;
}

const MAX_KEY_LENGTH = 512;
/** Every header a key may come in. */
export const KEY_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);
const INVALID_KEY_MESSAGE = 'Invalid or missing API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".';
const UNKNOWN_VIRTUAL_KEY_MESSAGE = 'This Switchboard key does not exist (deleted, or mistyped). Create a key in the dashboard (Keys) or with POST /key/generate, or send no key at all while the gateway has no admin key.';

/**
 * `throttle` slows down guessing the admin key: an address that presented unknown keys too often
 * waits before the admin key is checked for it again (429), while virtual keys, whose 32 random
 * bytes nobody guesses, keep working so the apps on the machine are not locked out with it.
 * Only a new unknown key counts: a missing or malformed one can never be the admin key, an
 * expired or blocked one proves its holder had a real key, and the same wrong key again (an app
 * retrying a stale key) is no new guess.
 */
export function createAuthenticator(masterKey: string | undefined, virtualKeys?: VirtualKeyLookup, throttle?: FailedAuthThrottle): AdminKeyAuthenticator {
  let masterHash = masterKey === undefined ? undefined : hash('sha256', masterKey, 'buffer');
  return {
    get enforced() {
      return masterHash !== undefined;
    },
    requireKey(key) {
      // Replacing a key in effect would lock out whoever holds it; only open mode may be closed.
      if (masterHash !== undefined) throw new Error('an admin key is already in effect');
      masterHash = hash('sha256', key, 'buffer');
    },
    replaceKey(key) {
      if (masterHash === undefined) throw new Error('no admin key is in effect');
      masterHash = hash('sha256', key, 'buffer');
    },
    dropKey() {
      masterHash = undefined;
    },
    authenticate(request) {
      if (masterHash === undefined) return openModePrincipal(request, virtualKeys);
      const presented = presentedKey(request);
      if (presented === undefined) throw new GatewayError('invalid_api_key', INVALID_KEY_MESSAGE);
      const client = clientAddress(request);
      const waitMs = throttle?.waitMs(client) ?? 0;
      // One-shot hash: a Hash object per request cost ~8 µs more (bench).
      const digest = hash('sha256', presented, 'buffer');
      if (waitMs === 0 && masterHash && timingSafeEqual(digest, masterHash)) {
        throttle?.succeeded(client);
        return { kind: 'master' };
      }
      return whenSettled(virtualKeys?.verify(presented), (principal) => {
        if (principal) return principal;
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw new GatewayError('auth_throttled', `Too many wrong keys from this address; try again in ${seconds} s`, { retryAfter: seconds });
        }
        // A short digest is enough to tell one wrong key from another; the key itself is never kept.
        throttle?.failed(client, digest.toString('base64', 0, 12));
        throw new GatewayError('invalid_api_key', INVALID_KEY_MESSAGE);
      });
    },
  };
}

/**
 * Open mode (no admin key): any local process may call, but a presented virtual key still
 * counts — its models, limits, budget and attribution apply, and an expired or blocked one is
 * refused — or the key's limits would be a fiction until an admin key is set. A key shaped like
 * Switchboard's own that no record matches (a deleted key) is refused too: serving it openly
 * would keep a deleted key working. Any other string is the placeholder an SDK insists on
 * (`sk-anything`, `ollama`, `lm-studio`) and is served as open, as the README says.
 */
function openModePrincipal(request: FastifyRequest, virtualKeys: VirtualKeyLookup | undefined): MaybePromise<Principal> {
  const presented = presentedKey(request);
  if (presented === undefined || virtualKeys === undefined) return { kind: 'open' };
  return whenSettled(virtualKeys.verify(presented), (principal): Principal => {
    if (principal) return principal;
    if (looksLikeVirtualKey(presented)) throw new GatewayError('invalid_api_key', UNKNOWN_VIRTUAL_KEY_MESSAGE);
    return { kind: 'open' };
  });
}

/** The client's address; an IPv4 client seen through an IPv6 socket is the same client. */
function clientAddress(request: FastifyRequest): string {
  const address = request.ip ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The caller of a route behind an auth hook; a route without one fails closed (401), never open. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new GatewayError('invalid_api_key', INVALID_KEY_MESSAGE);
  return request.principal;
}

/** The key as presented, or undefined when absent or not a plausible key (same outcome: 401). */
export function presentedKey(request: FastifyRequest): string | undefined {
  const raw = rawHeaderValues(request, KEY_HEADERS);
  const auth = raw.authorization;
  const candidates: string[] = [];
  if (auth) {
    if (auth.length !== 1) return undefined; // duplicate Authorization headers are ambiguous
    const match = /^Bearer +(\S+) *$/i.exec(auth[0]!);
    if (!match) return undefined;
    candidates.push(match[1]!);
  }
  for (const name of ['x-api-key', 'x-goog-api-key'] as const) {
    const values = raw[name];
    if (!values) continue;
    if (values.length !== 1) return undefined;
    candidates.push(values[0]!.trim());
  }
  const key = candidates[0];
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
  // Every header carrying a key must carry the same one.
  if (candidates.some((candidate) => candidate !== key)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(key)) return undefined;
  return key;
}
