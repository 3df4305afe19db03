// Contract of GET /model/discover: models offered by local servers (Ollama, vLLM, LM Studio),
// each with the litellm_params.model to add it with. Shapes only.
import * as z from 'zod/mini';

export const discoveredModelSchema = z.looseObject({
  id: z.string(),
  already_configured: z.boolean(),
  configured_as: z.array(z.string()),
  litellm_model: z.string(),
});
export type DiscoveredModel = z.infer<typeof discoveredModelSchema>;

export const discoveredServerSchema = z.looseObject({
  api_base: z.string(),
  provider: z.string(),
  source: z.enum(['config', 'default']),
  reachable: z.boolean(),
  error: z.optional(z.string()),
  models: z.array(discoveredModelSchema),
});
export type DiscoveredServer = z.infer<typeof discoveredServerSchema>;

export const discoveryReportSchema = z.looseObject({ servers: z.array(discoveredServerSchema) });
export type DiscoveryReport = z.infer<typeof discoveryReportSchema>;
