// The trust zones every route belongs to (inference, management, dashboard files) and what a
// route's config says about it: its zone, stamped by the zone's plugin, never by the route, and
// within the management zone who may call it. The zone plugins enforce them.
import type { FastifyInstance } from 'fastify';
import type { RouteScope } from './member-scopes.js';

export type RouteZone = 'inference' | 'management' | 'dashboard';

/**
 * Who may call a management route: the admin key unless the route says otherwise.
 * 'optional-key': anyone; a presented key must be valid and sets the principal (readiness: a
 * keyless probe gets the bare status, a key the detailed report).
 * 'own-key': the admin key for any key; a virtual key for itself only, named by the `key` query
 * parameter (its plaintext or its id) or by no `key` at all (LiteLLM's /key/info).
 * 'scoped': the admin key; a user's key (a virtual key with a user_id) within `scope`: its own
 * user's things, or its teams' (member-scopes.ts). A key with no user: refused like 'admin'.
 */
export type RouteAccess = 'admin' | 'own-key' | 'scoped' | 'any-key' | 'optional-key' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    zone?: RouteZone;
    access?: RouteAccess;
    /** With access 'scoped': what a user's key may reach on this route. */
    scope?: RouteScope;
  }
}

/** One registered route, as the server's onRoute hook saw it (tests enumerate these). */
export interface RegisteredRoute {
  method: string;
  url: string;
  /** undefined = registered outside every zone plugin, which must never happen. */
  zone: RouteZone | undefined;
  /** Served on the Ollama listener only (`GET /` answering "Ollama is running"). */
  listener?: 'ollama';
}

/** Marks every route registered in `scope` (and its children) as belonging to `zone`. */
export function stampZone(scope: FastifyInstance, zone: RouteZone): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, zone };
  });
}
