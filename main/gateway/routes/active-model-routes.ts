// The active-model API the tray toggle and the dashboard call: read the active alias's target,
// switch it (or set a user alias such as `default`) at runtime, remove a user alias. Admin only:
// a virtual key may use an alias but never move it. Never touches deployments or credentials.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { ActiveModelStore } from '../../routing/active-model.js';
import type { CallMode } from '../../storage/storage-connection.js';

export function registerActiveModelRoutes(app: FastifyInstance, store: ActiveModelStore<CallMode>): void {
  app.get('/active-model', async () => store.state());

  app.post('/active-model', async (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayError('invalid_request', 'Send a JSON object like {"model": "<model group>"}');
    }
    const { model, alias } = body as { model?: unknown; alias?: unknown };
    if (typeof model !== 'string' || model.length === 0) {
      throw new GatewayError('invalid_request', '"model" must be the name of a model group (GET /active-model lists them)', { param: 'model' });
    }
    if (alias !== undefined && (typeof alias !== 'string' || alias.length === 0)) {
      throw new GatewayError('invalid_request', '"alias" must be a non-empty string', { param: 'alias' });
    }
    return store.switchTo(model, alias);
  });

  // Alias names may contain '/', so the name is the rest of the path (decoded once, by the router).
  app.delete<{ Params: { '*': string } }>('/active-model/aliases/*', async (request) => {
    const name = request.params['*'];
    if (!(await store.removeAlias(name))) {
      throw new GatewayError('not_found', `There is no alias "${name.slice(0, 256)}"`, { param: 'alias' });
    }
    return store.state();
  });
}
