// Health endpoints: /health/liveliness is public and says nothing but "alive" (for probes);
// /health/readiness takes any key (admin or virtual) and reports what the gateway depends on.
import type { FastifyInstance } from 'fastify';

export interface ReadinessReport {
  status: 'connected' | 'degraded';
  [key: string]: unknown;
}

export function registerHealthRoutes(app: FastifyInstance, readiness: () => ReadinessReport): void {
  for (const path of ['/health/liveliness', '/health/liveness']) {
    // LiteLLM answers with a JSON string; probes written for it keep working.
    app.get(path, { config: { access: 'public' } }, async (_request, reply) => reply.type('application/json').send(JSON.stringify("I'm alive!")));
  }
  app.get('/health/readiness', { config: { access: 'any-key' } }, async () => readiness());
}
