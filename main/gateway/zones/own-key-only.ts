// The 'own-key' access rule: a virtual key may read what concerns itself (its /key/info, with its
// spend and remaining budget, which tools show and LiteLLM's own key tests read) and nothing about
// another key. The key asked about is the `key` query parameter: absent (or empty) means the
// caller, its own plaintext or its own id is the caller; anything else is refused, with the same
// answer whether or not that other key exists (no probing for keys).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { Principal } from '../../core/principal.js';
import { presentedKey } from '../plugins/authenticate.js';

/** Throws not_own_key unless the request's `key` query parameter names the calling virtual key (or is absent). */
export function ownKeyOnly(request: FastifyRequest, principal: Extract<Principal, { kind: 'virtual' }>): void {
  const asked = (request.query as Record<string, unknown> | undefined)?.key;
  if (asked === undefined || asked === '') return;
  if (typeof asked === 'string') {
    if (asked === principal.keyId) return;
    const presented = presentedKey(request);
    if (presented !== undefined && sameText(asked, presented)) return;
  }
  throw new GatewayError('not_own_key', 'A virtual key can read only its own key info: leave out `key`, or name this key');
}

/** Constant-time for equal lengths: the comparison must not reveal how much of a key matched. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
