// Contracts of the LiteLLM-compatible /key/* routes, one for the server and the dashboard: the
// key description (masked, never the secret), list pages, the one response carrying a new key,
// and every request body (the server validates with these; the repository keeps the meaning:
// durations, money, expiry in the future).
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
  /** The owning team and user; absent from a gateway older than migration 14. */
  team_id: z.optional(nullableString),
  user_id: z.optional(nullableString),
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

export const MAX_KEY_ALIAS_LENGTH = 128;
export const MAX_KEY_MODELS = 1_000;
export const MAX_KEY_MODEL_NAME_LENGTH = 256;
/** The longest key reference: a key id (`key_...`) or a presented key. */
export const MAX_KEY_REF_LENGTH = 512;

/** A key id (`key_...`) or the key itself. */
export const keyRefSchema = z.string().check(z.minLength(1), z.maxLength(MAX_KEY_REF_LENGTH));

/** What /key/generate and /key/update take (a LiteLLM subset); anything else is refused by name. */
export const keyFieldsSchema = z.strictObject({
  key_alias: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(MAX_KEY_ALIAS_LENGTH)))),
  models: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(MAX_KEY_MODEL_NAME_LENGTH))).check(z.maxLength(MAX_KEY_MODELS))),
  max_budget: z.optional(z.nullable(z.number().check(z.minimum(0)))),
  budget_duration: z.optional(nullableString),
  rpm_limit: z.optional(limit),
  tpm_limit: z.optional(limit),
  max_parallel_requests: z.optional(limit),
  duration: z.optional(nullableString),
  expires: z.optional(nullableString),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  blocked: z.optional(z.boolean()),
  /** The owning team (must exist; the key's models must fit in the team's) and user (must exist); null = none. */
  team_id: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
  user_id: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
});
export type KeyFields = z.infer<typeof keyFieldsSchema>;

/** POST /key/update: the key, and the fields to change (`null` clears one). */
export const keyUpdateRequestSchema = z.extend(keyFieldsSchema, { key: keyRefSchema });

/** POST /key/block, /key/unblock, /key/regenerate. */
export const keyRefRequestSchema = z.strictObject({ key: keyRefSchema });

/** POST /key/delete: by key or by alias (at least one list; the route says so when both are missing). */
export const keyDeleteRequestSchema = z.strictObject({
  keys: z.optional(z.array(keyRefSchema)),
  key_aliases: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(MAX_KEY_ALIAS_LENGTH)))),
});

export const keyDeleteResultSchema = z.looseObject({
  deleted_keys: z.array(z.string()),
  not_found: z.array(z.string()),
});
export type KeyDeleteResult = z.infer<typeof keyDeleteResultSchema>;
