// GET /model/discover: the models each configured local server (Ollama, vLLM, LM Studio, other
// OpenAI-compatible servers on loopback) offers, marked when already configured, so the dashboard
// can add one with a click through the model management API. `?defaults=true` also probes the
// default loopback addresses. Admin only; never calls an address from the request.
import type { FastifyInstance } from 'fastify';
import { discoverLocalModels, type LocalServer } from '../../routing/discover-local-models.js';
import type { ProbeDeps } from '../../routing/probe-deployment.js';
import type { ModelRouter } from '../../routing/model-router.js';
import type { QueryParameters } from '../plugins/query-parameters.js';

export interface DiscoveryRouteDeps {
  probe: ProbeDeps;
  router: () => ModelRouter;
  /** Replaces the default loopback addresses (tests). */
  defaultServers?: readonly LocalServer[];
  timeoutMs?: number;
}

export function registerDiscoveryRoutes(app: FastifyInstance, deps: DiscoveryRouteDeps): void {
  app.get<{ Querystring: QueryParameters }>('/model/discover', async (request) => {
    const query = request.query;
    return discoverLocalModels(deps.probe, {
      deployments: deps.router().groups().flatMap((g) => g.deployments),
      includeDefaults: query.defaults === 'true' || query.defaults === '1',
      ...(deps.defaultServers ? { defaultServers: deps.defaultServers } : {}),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
    });
  });
}
