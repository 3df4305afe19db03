// `switchboard status`: whether a gateway answers where this data dir / port says it runs, and
// the health of every model it serves (GET /health, which probes each deployment). Never prints
// a key: the health report carries model names, base URLs and sanitised reasons only.
import type { HealthReport } from '../../shared/api/health-schemas.js';
import type { CommandIO } from './command-io.js';
import type { Connection } from './connect-to-gateway.js';
import { formatTable } from './format-table.js';

/** Probing every model waits on the slowest upstream; allow more than the usual 10 s. */
export const STATUS_TIMEOUT_MS = 30_000;

export async function statusCommand({ client, target }: Connection, io: CommandIO): Promise<number> {
  const report = await client.get<HealthReport>('/health', { timeoutMs: STATUS_TIMEOUT_MS });
  io.out(`Switchboard is running at ${target.url}${target.pid === undefined ? '' : ` (pid ${target.pid})`}; dashboard: ${target.url}/\n`);
  const endpoints = [
    ...report.healthy_endpoints.map((endpoint) => ({ endpoint, healthy: true })),
    ...report.unhealthy_endpoints.map((endpoint) => ({ endpoint, healthy: false })),
  ].sort((a, b) => a.endpoint.model_group.localeCompare(b.endpoint.model_group));
  if (endpoints.length === 0) {
    io.out('No models are configured: add one in the dashboard or in the config file.\n');
    return 0;
  }
  io.out(formatTable(
    [{ title: 'MODEL' }, { title: 'DEPLOYMENT' }, { title: 'HEALTH' }, { title: 'LATENCY', align: 'right' }, { title: 'DETAIL' }],
    endpoints.map(({ endpoint, healthy }) => [
      endpoint.model_group,
      endpoint.model,
      healthy ? 'healthy' : 'unhealthy',
      `${Math.round(endpoint.latency_ms)} ms`,
      healthy ? endpoint.api_base : (endpoint.error ?? 'no answer'),
    ]),
  ));
  return 0;
}
