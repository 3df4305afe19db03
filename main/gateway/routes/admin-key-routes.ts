// POST /admin-key/require ("Require keys" in the dashboard): ends open mode without a restart.
// Creates an admin key, keeps it for this data directory (keychain, else a 0600 file), makes the
// running gateway require it, and answers it once. Works only while no admin key is in effect and
// only for a loopback peer; the management zone already refuses other web pages (Origin) and
// foreign Host names (DNS rebinding). Never logs the key.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isLoopbackHost } from '../../core/host-name.js';
import type { AdminKeyAuthenticator } from '../plugins/authenticate.js';
import type { AdminKeySaved } from '../../secrets/data-dir-admin-key.js';
import type { RequiredAdminKey } from '../../../shared/api/admin-key-schemas.js';

export interface AdminKeyRouteDeps {
  authenticator: AdminKeyAuthenticator;
  save(key: string): Promise<AdminKeySaved>;
  generate(): string;
  /** Told the new key before it is answered (the log redactor learns it). */
  onRequired(key: string, saved: AdminKeySaved): void;
}

export function registerAdminKeyRoutes(app: FastifyInstance, deps: AdminKeyRouteDeps): void {
  // Two clicks at once must not make two keys, one of them lost.
  let pending = false;
  app.post('/admin-key/require', async (request, reply): Promise<RequiredAdminKey> => {
    if (!isLoopbackPeer(request)) throw new GatewayError('admin_only', 'Keys can be required from this machine only');
    if (deps.authenticator.enforced || pending) {
      throw new GatewayError('invalid_request', 'An admin key is already in effect; Switchboard already requires keys', { status: 409 });
    }
    if (request.body !== undefined && request.body !== null && (typeof request.body !== 'object' || Array.isArray(request.body) || Object.keys(request.body).length > 0)) {
      throw new GatewayError('invalid_request', 'POST /admin-key/require takes no fields; send {} or no body');
    }
    pending = true;
    try {
      const key = deps.generate();
      let saved: AdminKeySaved;
      try {
        saved = await deps.save(key);
      } catch (error) {
        request.log.error({ err: error }, 'Require keys: the admin key could not be kept; the gateway stays open');
        throw new GatewayError('service_unavailable', `The admin key could not be kept (${(error as Error).message}), so keys are still not required. Check that the data directory is writable.`);
      }
      deps.authenticator.requireKey(key);
      deps.onRequired(key, saved);
      // The only answer that carries the admin key: no cache may keep it.
      reply.header('cache-control', 'no-store');
      return { key, stored_in: saved.stored_in, location: saved.location };
    } finally {
      pending = false;
    }
  });
}

/** The TCP peer, not a header: 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
function isLoopbackPeer(request: FastifyRequest): boolean {
  const address = request.raw.socket?.remoteAddress ?? request.ip ?? '';
  return isLoopbackHost(address.startsWith('::ffff:') ? address.slice(7) : address);
}
