// Health endpoints: /health/liveliness is public and says nothing but "alive" (for probes).
// /health/readiness answers a keyless probe (load balancer, kubelet) with its status only,
// 200 ready or 503 not ready; with a valid key it adds what the gateway depends on. Never puts
// a database path, URL or error text in the keyless answer.
import type { FastifyInstance } from 'fastify';

export interface ReadinessReport {
  /** 'not_ready' (503): draining for shutdown, or the database cannot be read. */
  status: 'connected' | 'degraded' | 'not_ready';
  [key: string]: unknown;
}

/** `readiness` answers at once on SQLite; in team mode it is a Promise (a bounded database probe). */
export function registerHealthRoutes(app: FastifyInstance, readiness: () => ReadinessReport | Promise<ReadinessReport>): void {
  for (const path of ['/health/liveliness', '/health/liveness']) {
    // LiteLLM answers with a JSON string; probes written for it keep working.
    app.get(path, { config: { access: 'public' } }, async (_request, reply) => reply.type('application/json').send(JSON.stringify("I'm alive!")));
  }
  app.get('/health/readiness', { config: { access: 'optional-key' } }, async (request, reply) => {
    const report = await readiness();
    const ready = report.status !== 'not_ready';
    reply.code(ready ? 200 : 503);
    return request.principal ? report : { status: ready ? 'ready' : 'not_ready' };
  });
}
