// Contract of /active-model: the alias (default `switchboard/active`) the tray and the dashboard
// point at a model group, plus user aliases. Shapes only.
import * as z from 'zod/mini';

export const activeModelStateSchema = z.looseObject({
  alias: z.string(),
  model: z.nullable(z.string()),
  aliases: z.record(z.string(), z.string()),
  models: z.array(z.string()),
});
export type ActiveModelState = z.infer<typeof activeModelStateSchema>;

export const activeModelSwitchSchema = z.strictObject({
  model: z.string().check(z.minLength(1)),
  alias: z.optional(z.string().check(z.minLength(1))),
});
