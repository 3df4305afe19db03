// Contracts of the /app/* management routes (issue 19): the app description the server answers
// and the dashboard reads, and the request bodies. An app is the name usage is recorded under for a
// request with no virtual key; its rule applies to those requests only (a key, when presented,
// wins). Bodies are strict: an unknown field is refused with a 400 naming it, never dropped.
import * as z from 'zod/mini';

const nullableNumber = z.nullable(z.number());
const nullableString = z.nullable(z.string());
export const MAX_APP_NAME_LENGTH = 256;
const appSchema = z.string().check(z.minLength(1), z.maxLength(MAX_APP_NAME_LENGTH));
const usd = z.nullable(z.number().check(z.minimum(0)));
const limit = z.nullable(z.int().check(z.minimum(0)));
const modelsSchema = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(1_000));

export const appDescriptionSchema = z.looseObject({
  app: z.string(),
  /** ISO; null for an app given a rule before it ever called. */
  first_seen: nullableString,
  /** ISO; the last request written to the usage log. */
  last_seen: nullableString,
  /** USD spent in the current budget period. */
  spend: z.number(),
  /** USD. */
  max_budget: nullableNumber,
  budget_duration: nullableString,
  budget_reset_at: nullableString,
  rpm_limit: nullableNumber,
  tpm_limit: nullableNumber,
  /** Allowed models; empty = every model. */
  models: z.array(z.string()),
  /** Where the active-model alias sends this app; null = wherever the tray points it. */
  default_model: nullableString,
  /** Listed for general_settings.only_allowed_apps. */
  allowed: z.boolean(),
  /** Any rule field set. */
  has_rule: z.boolean(),
  /** Requests since 00:00 UTC today. */
  requests_today: z.number(),
  /** USD since 00:00 UTC today. */
  spend_today: z.number(),
});
export type AppDescription = z.infer<typeof appDescriptionSchema>;

/** POST /app/update: the app and the rule fields to change (absent = unchanged, null clears). */
export const appUpdateRequestSchema = z.strictObject({
  app: appSchema,
  max_budget: z.optional(usd),
  budget_duration: z.optional(nullableString),
  rpm_limit: z.optional(limit),
  tpm_limit: z.optional(limit),
  models: z.optional(modelsSchema),
  default_model: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
  allowed: z.optional(z.boolean()),
});
export type AppUpdateRequest = z.infer<typeof appUpdateRequestSchema>;

/** POST /app/delete: clears the app's rule (its seen history stays). */
export const appDeleteRequestSchema = z.strictObject({ app: appSchema });
