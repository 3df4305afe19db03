// Contracts of Switchboard's export routes: GET /model/export (the dashboard's models as a LiteLLM
// config.yaml fragment). Provider keys appear in it only as references, never as values.
import * as z from 'zod/mini';

export const modelExportSchema = z.object({
  /** How many dashboard-added models the fragment holds. */
  models: z.int().check(z.minimum(0)),
  /** The config.yaml fragment (comment header + model_list). */
  yaml: z.string(),
});
export type ModelExport = z.infer<typeof modelExportSchema>;
