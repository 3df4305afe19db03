// Health endpoints: /health/liveliness is public and says nothing but "alive" (for probes);
// /health/readiness is authenticated and reports what the gateway depends on.
import type { FastifyInstance } from 'fastify';

export interface ReadinessReport {
  status: 'connected' | 'degraded';
  [key: string]: unknown;
}

export function registerHealthRoutes(app: FastifyInstance, readiness: () => ReadinessReport): void {
  for (const path of ['/health/liveliness', '/health/liveness']) {
    app.get(path, { config: { public: true } }, async () => "I'm alive!");
  }
  app.get('/health/readiness', async () => readiness());
}
