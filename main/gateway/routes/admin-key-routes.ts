// The admin key's life cycle without a restart. POST /admin-key/require ("Require keys") ends open
// mode: it creates an admin key, keeps it for this data directory (keychain, else a 0600 file),
// makes the running gateway require it and answers it once. POST /admin-key/rotate replaces that
// key (the old one is refused from the next request on) and POST /admin-key/remove forgets it
// (open mode again); both only for the key "Require keys" created, never one set in the
// environment or the config, which is changed where it is set. GET /admin-key says which it is.
// Loopback peers only, one change at a time; the management zone already refuses other web pages
// (Origin) and foreign Host names (DNS rebinding). Never logs the key.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isLoopbackHost } from '../../core/host-name.js';
import { principalOf, type AdminKeyAuthenticator } from '../plugins/authenticate.js';
import type { AdminKeySaved } from '../../secrets/data-dir-admin-key.js';
import { parseBody } from './parse-body.js';
import {
  removeAdminKeyRequestSchema,
  type AdminKeyStatus,
  type RemovedAdminKey,
  type RequiredAdminKey,
} from '../../../shared/api/admin-key-schemas.js';

/** Where the admin key in effect when the gateway started comes from. */
export type AdminKeyOrigin =
  | { source: 'none' }
  | { source: 'data_dir'; saved: AdminKeySaved }
  /** SWITCHBOARD_MASTER_KEY or LITELLM_MASTER_KEY. */
  | { source: 'environment'; variable: string }
  /** general_settings.master_key in this file. */
  | { source: 'config'; file: string }
  /** Handed over by whoever started the gateway (the desktop app's keychain key, an embedding caller). */
  | { source: 'startup' };

export interface AdminKeyRouteDeps {
  authenticator: AdminKeyAuthenticator;
  /** Where the key in effect at start comes from; the routes follow it through every change. */
  origin: AdminKeyOrigin;
  save(key: string): Promise<AdminKeySaved>;
  /** Keeps a new key in place of the data directory's one (rotation). */
  replace(key: string): Promise<AdminKeySaved>;
  /** Forgets the data directory's key (the file, then its keychain account). */
  remove(): Promise<void>;
  generate(): string;
  /** Told the new key before it is answered (the log redactor learns it). */
  onRequired(key: string, saved: AdminKeySaved): void;
  /** Told the rotated key before it is answered. */
  onRotated?(key: string, saved: AdminKeySaved): void;
  onRemoved?(): void;
}

export function registerAdminKeyRoutes(app: FastifyInstance, deps: AdminKeyRouteDeps): void {
  let origin = deps.origin;
  // Two clicks at once must not make two keys (one of them lost), nor rotate a key being removed.
  let pending = false;
  const oneAtATime = async <T>(change: () => Promise<T>): Promise<T> => {
    if (pending) throw new GatewayError('invalid_request', 'Another change to the admin key is in progress; try again when it is done', { status: 409 });
    pending = true;
    try {
      return await change();
    } finally {
      pending = false;
    }
  };

  app.get('/admin-key', async (): Promise<AdminKeyStatus> => ({
    required: deps.authenticator.enforced,
    source: origin.source,
    location: describeOrigin(origin),
    manageable: origin.source === 'data_dir',
  }));

  app.post('/admin-key/require', async (request, reply): Promise<RequiredAdminKey> => {
    refuseRemotePeer(request, 'Keys can be required from this machine only');
    if (deps.authenticator.enforced || pending) {
      throw new GatewayError('invalid_request', 'An admin key is already in effect; Switchboard already requires keys', { status: 409 });
    }
    takesNoFields(request, '/admin-key/require');
    return oneAtATime(async () => {
      const key = deps.generate();
      let saved: AdminKeySaved;
      try {
        saved = await deps.save(key);
      } catch (error) {
        request.log.error({ err: error }, 'Require keys: the admin key could not be kept; the gateway stays open');
        throw new GatewayError('service_unavailable', `The admin key could not be kept (${(error as Error).message}), so keys are still not required. Check that the data directory is writable.`);
      }
      deps.authenticator.requireKey(key);
      origin = { source: 'data_dir', saved };
      deps.onRequired(key, saved);
      return answerKeyOnce(reply, key, saved);
    });
  });

  app.post('/admin-key/rotate', async (request, reply): Promise<RequiredAdminKey> => {
    refuseUnmanageable(request, 'rotated');
    takesNoFields(request, '/admin-key/rotate');
    return oneAtATime(async () => {
      const key = deps.generate();
      let saved: AdminKeySaved;
      try {
        saved = await deps.replace(key);
      } catch (error) {
        request.log.error({ err: error }, 'the new admin key could not be kept; the old one stays in effect');
        throw new GatewayError('service_unavailable', `The new admin key could not be kept (${(error as Error).message}), so the current one stays in effect. Check that the data directory is writable.`);
      }
      deps.authenticator.replaceKey(key);
      origin = { source: 'data_dir', saved };
      deps.onRotated?.(key, saved);
      return answerKeyOnce(reply, key, saved);
    });
  });

  app.post('/admin-key/remove', async (request, reply): Promise<RemovedAdminKey> => {
    refuseUnmanageable(request, 'removed');
    parseBody(removeAdminKeyRequestSchema, request.body ?? {});
    return oneAtATime(async () => {
      try {
        await deps.remove();
      } catch (error) {
        request.log.error({ err: error }, 'the admin key could not be removed; keys stay required');
        throw new GatewayError('service_unavailable', `The admin key could not be removed (${(error as Error).message}), so keys stay required. Check that the data directory is writable.`);
      }
      deps.authenticator.dropKey();
      origin = { source: 'none' };
      deps.onRemoved?.();
      reply.header('cache-control', 'no-store');
      return { required: false };
    });
  });

  /** Rotate and remove: the admin key itself, from this machine, and only the key "Require keys" created. */
  function refuseUnmanageable(request: FastifyRequest, done: 'rotated' | 'removed'): void {
    refuseRemotePeer(request, `The admin key can be ${done} from this machine only`);
    if (!deps.authenticator.enforced) {
      throw new GatewayError('invalid_request', 'No admin key is in effect: the gateway is open to every local process. "Require keys" (POST /admin-key/require) creates one.', { status: 409 });
    }
    // The zone let an admin through; only the admin key itself may change the admin key.
    if (principalOf(request).kind !== 'master') throw new GatewayError('admin_only', 'Only the admin key can change the admin key');
    if (origin.source !== 'data_dir') {
      const fix = done === 'rotated' ? 'change it there and restart Switchboard' : 'unset it there and restart Switchboard to open the gateway';
      throw new GatewayError('invalid_request', `The admin key comes from ${describeOrigin(origin)}, not from "Require keys", so it cannot be ${done} here: ${fix}.`, { status: 409 });
    }
  }
}

/** The only answers that carry the admin key: no cache may keep them. */
function answerKeyOnce(reply: FastifyReply, key: string, saved: AdminKeySaved): RequiredAdminKey {
  reply.header('cache-control', 'no-store');
  return { key, stored_in: saved.stored_in, location: saved.location };
}

function takesNoFields(request: FastifyRequest, route: string): void {
  const body = request.body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length > 0)) {
    throw new GatewayError('invalid_request', `POST ${route} takes no fields; send {} or no body`);
  }
}

function refuseRemotePeer(request: FastifyRequest, message: string): void {
  if (!isLoopbackPeer(request)) throw new GatewayError('admin_only', message);
}

/** For people: where the admin key comes from; null when none is in effect. */
export function describeOrigin(origin: AdminKeyOrigin): string | null {
  switch (origin.source) {
    case 'none':
      return null;
    case 'data_dir':
      return origin.saved.location;
    case 'environment':
      return `the environment variable ${origin.variable}`;
    case 'config':
      return `general_settings.master_key in ${origin.file}`;
    case 'startup':
      return 'the key Switchboard was started with (the desktop app\'s keychain key, or set by the program that started it)';
  }
}

/** The TCP peer, not a header: 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
function isLoopbackPeer(request: FastifyRequest): boolean {
  const address = request.raw.socket?.remoteAddress ?? request.ip ?? '';
  return isLoopbackHost(address.startsWith('::ffff:') ? address.slice(7) : address);
}
