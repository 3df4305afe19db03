// The management trust zone: every route that reads or changes the gateway (keys, models,
// usage, settings, credentials, health, the active model) in one encapsulated plugin with one
// browser policy, the dashboard's own origin and nothing else, never with CORS headers, and one
// role hook: the admin key unless a route declares `access` otherwise (a virtual key reads its own
// /key/info: 'own-key'; a user's key reaches its own and its teams' things: 'scoped', and a
// proxy_admin user's key is the admin); a repeated query
// parameter is a 400 before any handler. Allowed browser origins never apply here: they are for
// inference routes only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isAdmin, type Principal } from '../../core/principal.js';
import { createBrowserOriginGuard, ownOrigins } from '../plugins/browser-origin-guard.js';
import { presentedKey, type Authenticator } from '../plugins/authenticate.js';
import { rejectRepeatedQuery } from '../plugins/query-parameters.js';
import type { CallerRoles } from '../../keys/caller-roles.js';
import { applyBodyScope, applyQueryScope, type KeyOwnerLookup } from './member-scopes.js';
import { ownKeyOnly } from './own-key-only.js';
import { stampZone } from './route-zone.js';

export interface ManagementZoneOptions {
  authenticator: Authenticator;
  port: (request: FastifyRequest) => number;
  /** A key's user's roles (proxy_admin, team admin, member); without it a user's key is a plain key. */
  callerRoles?: (userId: string) => CallerRoles | null | Promise<CallerRoles | null>;
  /** Who owns a key a user's key names in a body (key changes are allowed on its own or its teams' keys only). */
  keyOwner?: KeyOwnerLookup;
}

export function registerManagementZone(app: FastifyInstance, options: ManagementZoneOptions, routes: (zone: FastifyInstance) => void): void {
  app.register(async (zone) => {
    stampZone(zone, 'management');
    zone.addHook('onRequest', createBrowserOriginGuard({
      admits: ownOrigins,
      cors: false,
      refusal: 'The management API answers the dashboard (its own origin) only; allowed browser origins apply to inference routes',
      port: options.port,
    }));
    zone.addHook('onRequest', (request, _reply, done) => {
      const access = request.routeOptions.config.access ?? 'admin';
      if (access === 'public') return done();
      if (access === 'optional-key' && presentedKey(request) === undefined) return done();
      const decide = (principal: Principal, roles: CallerRoles | null) => {
        // 'any-key' and 'optional-key': any valid key is admitted.
        if (access === 'any-key' || access === 'optional-key') return done();
        // A key whose user is a proxy_admin acts as the admin key (LiteLLM's user_role).
        if (isAdmin(principal) || roles?.userRole === 'proxy_admin') return done();
        if (access === 'scoped' && roles !== null) {
          applyQueryScope(request.routeOptions.config.scope!, request, roles);
          request.callerRoles = roles;
          return done();
        }
        if (access === 'own-key' && principal.kind === 'virtual') {
          ownKeyOnly(request, principal);
          return done();
        }
        if (access === 'own-key') throw new GatewayError('admin_only', 'This route needs the admin (master) key or a virtual key');
        throw new GatewayError('admin_only', 'This route needs the admin (master) key; virtual keys cannot manage Switchboard');
      };
      const admit = (principal: Principal) => {
        request.principal = principal;
        const userId = principal.kind === 'virtual' && access !== 'any-key' && access !== 'optional-key' ? principal.userId : undefined;
        if (isAdmin(principal) || !userId || options.callerRoles === undefined) return decide(principal, null);
        // Only a user's key on a route it is not simply admitted to pays for this read.
        const roles = options.callerRoles(userId);
        if (roles instanceof Promise) {
          roles.then((found) => decide(principal, found)).catch((error: unknown) => done(error as Error));
          return;
        }
        decide(principal, roles);
      };
      try {
        const principal = options.authenticator.authenticate(request);
        // A Promise only for a key lookup that went to PostgreSQL.
        if (principal instanceof Promise) principal.then(admit).catch((error: unknown) => done(error as Error));
        else admit(principal);
      } catch (error) {
        done(error as Error);
      }
    });
    zone.addHook('preValidation', rejectRepeatedQuery);
    // A user's key on a route whose body names a team: checked once the body is parsed.
    zone.addHook('preHandler', async (request) => {
      const scope = request.routeOptions.config.scope;
      if (request.callerRoles !== undefined && scope !== undefined) await applyBodyScope(scope, request, request.callerRoles, options.keyOwner);
    });
    routes(zone);
  });
}
