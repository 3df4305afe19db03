// The management trust zone: every route that reads or changes the gateway (keys, models,
// usage, settings, credentials, health, the active model) in one encapsulated plugin with one
// browser policy, the dashboard's own origin and nothing else, never with CORS headers, and one
// role hook: the admin key unless a route declares `access` otherwise (a virtual key reads its own
// /key/info: 'own-key'); a repeated query
// parameter is a 400 before any handler. Allowed browser origins never apply here: they are for
// inference routes only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { isAdmin, type Principal } from '../../core/principal.js';
import { createBrowserOriginGuard, ownOrigins } from '../plugins/browser-origin-guard.js';
import { presentedKey, type Authenticator } from '../plugins/authenticate.js';
import { rejectRepeatedQuery } from '../plugins/query-parameters.js';
import { ownKeyOnly } from './own-key-only.js';
import { stampZone } from './route-zone.js';

export interface ManagementZoneOptions {
  authenticator: Authenticator;
  port: (request: FastifyRequest) => number;
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
      const admit = (principal: Principal) => {
        request.principal = principal;
        if (access === 'admin' && !isAdmin(principal)) {
          throw new GatewayError('admin_only', 'This route needs the admin (master) key; virtual keys cannot manage Switchboard');
        }
        if (access === 'own-key' && !isAdmin(principal)) {
          if (principal.kind !== 'virtual') throw new GatewayError('admin_only', 'This route needs the admin (master) key or a virtual key');
          ownKeyOnly(request, principal);
        }
        done();
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
    routes(zone);
  });
}
