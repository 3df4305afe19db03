// Contracts of the LiteLLM-compatible /key/* routes as the dashboard reads and writes them:
// the key description (masked, never the secret), list pages, the one response carrying a new
// key, and the fields a create/update may send. Shapes only; the server keeps the meaning.
import * as z from 'zod/mini';

const nullableNumber = z.nullable(z.number());
const nullableString = z.nullable(z.string());

export const keyDescriptionSchema = z.looseObject({
  token: z.string(),
  key_id: z.string(),
  /** The mask, e.g. `sk-...abcd`. */
  key_name: z.string(),
  key_alias: nullableString,
  models: z.array(z.string()),
  /** USD. */
  spend: z.number(),
  max_budget: nullableNumber,
  budget_duration: nullableString,
  budget_reset_at: nullableString,
  rpm_limit: nullableNumber,
  tpm_limit: nullableNumber,
  max_parallel_requests: nullableNumber,
  expires: nullableString,
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
  last_active: nullableString,
});
export type KeyDescription = z.infer<typeof keyDescriptionSchema>;

export const keyListSchema = z.looseObject({
  keys: z.array(keyDescriptionSchema),
  total_count: z.number(),
  current_page: z.number(),
  total_pages: z.number(),
  page_size: z.number(),
});
export type KeyList = z.infer<typeof keyListSchema>;

/** /key/generate and /key/regenerate: the only responses that carry the plaintext key. */
export const generatedKeySchema = z.extend(keyDescriptionSchema, { key: z.string() });
export type GeneratedKey = z.infer<typeof generatedKeySchema>;

const limit = z.nullable(z.int().check(z.minimum(0)));

/** What the dashboard may send to /key/generate and /key/update (a LiteLLM subset). */
export const keyFieldsSchema = z.strictObject({
  key_alias: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(128)))),
  models: z.optional(z.array(z.string().check(z.minLength(1)))),
  max_budget: z.optional(z.nullable(z.number().check(z.minimum(0)))),
  budget_duration: z.optional(nullableString),
  rpm_limit: z.optional(limit),
  tpm_limit: z.optional(limit),
  max_parallel_requests: z.optional(limit),
  duration: z.optional(nullableString),
  expires: z.optional(nullableString),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  blocked: z.optional(z.boolean()),
});
export type KeyFields = z.infer<typeof keyFieldsSchema>;

export const keyDeleteResultSchema = z.looseObject({
  deleted_keys: z.array(z.string()),
  not_found: z.array(z.string()),
});
export type KeyDeleteResult = z.infer<typeof keyDeleteResultSchema>;
