// Contract of GET /health (LiteLLM's shape): healthy and unhealthy deployments with latency and,
// when unhealthy, a sanitised reason. Shapes only.
import * as z from 'zod/mini';

export const healthEndpointSchema = z.looseObject({
  model: z.string(),
  model_group: z.string(),
  api_base: z.string(),
  deployment_id: z.string(),
  latency_ms: z.number(),
  error: z.optional(z.string()),
});
export type HealthEndpoint = z.infer<typeof healthEndpointSchema>;

export const healthReportSchema = z.looseObject({
  healthy_endpoints: z.array(healthEndpointSchema),
  unhealthy_endpoints: z.array(healthEndpointSchema),
  healthy_count: z.number(),
  unhealthy_count: z.number(),
  checked_at: z.string(),
});
export type HealthReport = z.infer<typeof healthReportSchema>;
