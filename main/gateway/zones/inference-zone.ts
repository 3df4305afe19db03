// The inference trust zone: the OpenAI- and Anthropic-compatible routes in one encapsulated
// plugin whose hooks no route in it can miss: the browser policy admitting the origins the user
// allowed under Settings (with CORS and preflights) and the gateway's own origin (the dashboard's
// playground, without CORS headers), then authentication with any key: a page on our origin gets
// exactly what the key it sends gets, nothing more.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createBrowserOriginGuard, ownOrigins } from '../plugins/browser-origin-guard.js';
import type { Authenticator } from '../plugins/authenticate.js';
import { stampZone } from './route-zone.js';
import { isGatewayError, type GatewayError } from '../../core/gateway-error.js';

export interface InferenceZoneOptions {
  authenticator: Authenticator;
  /** Browser origins the user allowed (Settings); read per request, so a change applies at once. */
  allowedOrigins: () => readonly string[];
  port: (request: FastifyRequest) => number;
  /**
   * Learns every request the auth hook refused (blocked, expired or unknown key, none where one is
   * required, throttled guessing) before it is answered, so the refusal is counted as rejected
   * like a policy refusal. Must not throw.
   */
  onRefused?: (request: FastifyRequest, refusal: GatewayError) => void;
}

export function registerInferenceZone(app: FastifyInstance, options: InferenceZoneOptions, routes: (zone: FastifyInstance) => void): void {
  app.register(async (zone) => {
    stampZone(zone, 'inference');
    // Every inference route also answers its browser preflight (the origin guard does, before auth).
    zone.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      if (!methods.includes('HEAD') && !methods.includes('OPTIONS')) route.method = [...methods, 'OPTIONS'];
    });
    zone.addHook('onRequest', createBrowserOriginGuard({
      admits: () => options.allowedOrigins(),
      sameOrigin: ownOrigins,
      cors: true,
      refusal: 'Requests from web pages are not allowed; add the origin under Settings → Allowed browser origins',
      port: options.port,
    }));
    zone.addHook('onRequest', (request, _reply, done) => {
      const refused = (error: unknown) => {
        if (isGatewayError(error)) options.onRefused?.(request, error);
        done(error as Error);
      };
      try {
        const principal = options.authenticator.authenticate(request);
        // A Promise only for a key lookup that went to PostgreSQL; a cache hit continues at once.
        if (principal instanceof Promise) {
          principal.then((resolved) => {
            request.principal = resolved;
            done();
          }, refused);
          return;
        }
        request.principal = principal;
        done();
      } catch (error) {
        refused(error);
      }
    });
    routes(zone);
  });
}
