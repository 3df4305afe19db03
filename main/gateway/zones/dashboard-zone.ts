// The dashboard's static files as a trust zone: public GETs without a key (the files hold no
// data; the API behind them needs the admin key), admitting the gateway's own origin and no
// other page, never with CORS headers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createBrowserOriginGuard, ownOrigins } from '../plugins/browser-origin-guard.js';
import { stampZone } from './route-zone.js';

export function registerDashboardZone(app: FastifyInstance, options: { port: (request: FastifyRequest) => number }, routes: (zone: FastifyInstance) => void): void {
  app.register(async (zone) => {
    stampZone(zone, 'dashboard');
    zone.addHook('onRequest', createBrowserOriginGuard({ admits: ownOrigins, cors: false, refusal: 'The dashboard files are served to the dashboard only', port: options.port }));
    routes(zone);
  });
}
