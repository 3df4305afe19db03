// GET /health: probes every configured deployment (or one model group with ?model=) and reports
// healthy and unhealthy endpoints with latency, in LiteLLM's shape; ?cached=true answers the last
// report without probing. Admin only: it makes upstream calls and names every backend. Starts and
// stops the optional background probing with the app. Never reports a key or a query string.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { HealthCheckSettings, HealthChecks, HealthReport } from '../../routing/background-health-checks.js';
import type { ModelRouter } from '../../routing/model-router.js';
import type { QueryParameters } from '../plugins/query-parameters.js';

export interface HealthCheckRouteDeps {
  checks: HealthChecks;
  router: () => ModelRouter;
  /** Background probing (general_settings.background_health_checks); off when undefined. */
  settings?: HealthCheckSettings;
}

export function registerHealthCheckRoutes(app: FastifyInstance, deps: HealthCheckRouteDeps): void {
  app.get<{ Querystring: QueryParameters }>('/health', async (request) => {
    const query = request.query;
    let group: string | undefined;
    if (query.model !== undefined) {
      group = deps.router().resolve(query.model)?.name;
      if (group === undefined) {
        throw new GatewayError('model_not_found', `The model "${query.model.slice(0, 256)}" does not exist on this gateway`, { param: 'model' });
      }
    }
    if (query.cached === 'true' || query.cached === '1') {
      const last = deps.checks.last();
      // A report from before a model was added or removed would call the new one unknown (the
      // first-run guide reads it): then it is probed again.
      if (last && coversDeployments(last, deps.router())) return group === undefined ? last : onlyGroup(last, group);
    }
    return deps.checks.check(group === undefined ? undefined : (d) => d.modelName === group);
  });

  const background = deps.settings?.background === true ? deps.settings : undefined;
  if (background) app.addHook('onReady', async () => deps.checks.start(background.intervalMs));
  app.addHook('onClose', async () => deps.checks.stop());
}

function coversDeployments(report: HealthReport, router: ModelRouter): boolean {
  const reported = new Set([...report.healthy_endpoints, ...report.unhealthy_endpoints].map((e) => e.deployment_id));
  const current = router.groups().flatMap((g) => g.deployments);
  const ids = new Set(current.map((d) => d.id));
  // Background runs skip deployments that opted out; they do not make a report stale.
  return [...reported].every((id) => ids.has(id)) && current.every((d) => reported.has(d.id) || d.modelInfo.disable_background_health_check === true);
}

function onlyGroup(report: HealthReport, group: string): HealthReport {
  const healthy = report.healthy_endpoints.filter((e) => e.model_group === group);
  const unhealthy = report.unhealthy_endpoints.filter((e) => e.model_group === group);
  return { ...report, healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length };
}
