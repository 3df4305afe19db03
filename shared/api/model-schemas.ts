// Contracts of the LiteLLM-compatible model management API: /model/new, /model/update,
// /model/delete, /model/info (and /v2/model/info), plus Switchboard's /model/test. A provider
// key never travels here: api_key may only name where the key lives (os.environ/NAME or
// keychain/NAME); the key itself is set once through the keychain and never read back.
import * as z from 'zod/mini';

/** `os.environ/NAME` or `keychain/NAME`: where a key lives, never the key. */
export const CREDENTIAL_REFERENCE = /^(?:os\.environ\/[A-Za-z_][A-Za-z0-9_]*|keychain\/[A-Za-z0-9_.-]{1,128})$/;
/** Deployment ids: they appear in URLs, headers and logs, so a conservative alphabet. */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@#/-]{0,127}$/;

const usdPerToken = z.number().check(z.minimum(0), z.maximum(1));
const positiveSeconds = z.number().check(z.positive(), z.maximum(86_400));
const count = z.int().check(z.minimum(0));
const tokens = z.int().check(z.positive());

export const litellmParamsInputSchema = z.strictObject({
  model: z.string().check(z.maxLength(256), z.regex(/^[A-Za-z0-9_.-]+\/.+$/, 'must be "provider/model", e.g. "openai/gpt-4o" or "ollama_chat/llama3.2"')),
  api_base: z.optional(z.string().check(z.maxLength(2048), z.regex(/^https?:\/\/[^\s]+$/, 'must be an absolute http(s) URL'))),
  api_key: z.optional(z.string().check(z.regex(CREDENTIAL_REFERENCE, 'must say where the key lives (os.environ/NAME or keychain/NAME); set the key itself under "Provider keys"'))),
  api_version: z.optional(z.string().check(z.maxLength(64))),
  timeout: z.optional(positiveSeconds),
  stream_timeout: z.optional(positiveSeconds),
  rpm: z.optional(count),
  tpm: z.optional(count),
  weight: z.optional(z.number().check(z.minimum(0))),
  order: z.optional(z.int().check(z.positive())),
  max_retries: z.optional(count),
  input_cost_per_token: z.optional(usdPerToken),
  output_cost_per_token: z.optional(usdPerToken),
  /** The server serves /v1/responses itself: Responses requests pass through (OpenAI-compatible and Ollama deployments). */
  supports_responses: z.optional(z.boolean()),
});
export type LitellmParamsInput = z.infer<typeof litellmParamsInputSchema>;

export const modelInfoInputSchema = z.looseObject({
  id: z.optional(z.string().check(z.regex(MODEL_ID, 'must be 1-128 letters, digits and . _ : @ # / -'))),
  base_model: z.optional(z.string().check(z.maxLength(256))),
  mode: z.optional(z.string().check(z.maxLength(64))),
  description: z.optional(z.string().check(z.maxLength(1000))),
  max_input_tokens: z.optional(tokens),
  max_output_tokens: z.optional(tokens),
  max_tokens: z.optional(tokens),
  input_cost_per_token: z.optional(usdPerToken),
  output_cost_per_token: z.optional(usdPerToken),
  cache_read_input_token_cost: z.optional(usdPerToken),
  cache_creation_input_token_cost: z.optional(usdPerToken),
});
export type ModelInfoInput = z.infer<typeof modelInfoInputSchema>;

export const modelNewRequestSchema = z.strictObject({
  model_name: z.string().check(z.minLength(1), z.maxLength(256)),
  litellm_params: litellmParamsInputSchema,
  model_info: z.optional(modelInfoInputSchema),
});
export type ModelNewRequest = z.infer<typeof modelNewRequestSchema>;

const { model: _model, ...optionalParams } = litellmParamsInputSchema.shape;
const { id: _id, ...optionalInfo } = modelInfoInputSchema.shape;

/**
 * LiteLLM's updateDeployment: the id in model_info.id (or top-level id). Given fields replace the
 * stored ones, other fields stay; a field set to null is removed.
 */
export const modelUpdateRequestSchema = z.strictObject({
  id: z.optional(z.string()),
  model_name: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  litellm_params: z.optional(
    z.strictObject({ model: z.optional(litellmParamsInputSchema.shape.model), ...nullableFields(optionalParams) }),
  ),
  model_info: z.optional(z.looseObject({ id: modelInfoInputSchema.shape.id, ...nullableFields(optionalInfo) })),
});
export type ModelUpdateRequest = z.infer<typeof modelUpdateRequestSchema>;

/**
 * LiteLLM's deleteDeployment, plus `active_model`: the model group `switchboard/active` points at
 * afterwards (the dashboard asks for it when the model deleted is the active one).
 */
export const modelDeleteRequestSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  active_model: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});

export const MODEL_SOURCES = ['config', 'database', 'default'] as const;
export type ModelSource = (typeof MODEL_SOURCES)[number];
export const CREDENTIAL_KINDS = ['none', 'literal', 'env', 'keychain'] as const;

export const modelInfoEntrySchema = z.looseObject({
  model_name: z.string(),
  litellm_params: z.looseObject({
    model: z.string(),
    api_base: z.string(),
    /** Only a reference (os.environ/NAME, keychain/NAME); a literal key in a config file is never shown. */
    api_key: z.optional(z.string()),
    api_version: z.optional(z.string()),
  }),
  model_info: z.looseObject({
    id: z.string(),
    /** True for dashboard-managed models (editable); false for config-file ones (read-only). */
    db_model: z.boolean(),
    source: z.enum(MODEL_SOURCES),
    /** The config file a read-only model comes from. */
    source_file: z.nullable(z.string()),
    provider: z.string(),
    protocol: z.string(),
    credential: z.enum(CREDENTIAL_KINDS),
    input_cost_per_token: z.nullable(z.number()),
    output_cost_per_token: z.nullable(z.number()),
    max_input_tokens: z.nullable(z.number()),
    max_output_tokens: z.nullable(z.number()),
    /** False when requests cost nothing (a local server) or no price is known: $0 spend reads "free". Absent from older gateways. */
    priced: z.optional(z.boolean()),
  }),
});
export type ModelInfoEntry = z.infer<typeof modelInfoEntrySchema>;

export const modelInfoListSchema = z.looseObject({ data: z.array(modelInfoEntrySchema) });
export type ModelInfoList = z.infer<typeof modelInfoListSchema>;

/** /model/new: the model added, and when the active alias followed it (its default did not answer). */
export const modelNewResultSchema = z.extend(modelInfoEntrySchema, {
  active_model_followed: z.optional(z.looseObject({ alias: z.string(), from: z.string(), to: z.string() })),
});
export type ModelNewResult = z.infer<typeof modelNewResultSchema>;

/** `active_model`: where the active alias points after the delete, when the delete or the request moved it. */
export const modelDeleteResultSchema = z.looseObject({
  id: z.string(),
  message: z.string(),
  active_model: z.optional(z.looseObject({ alias: z.string(), model: z.nullable(z.string()) })),
});

/** POST /model/test: one tiny chat to a model group (or one deployment by id). */
export const modelTestRequestSchema = z.strictObject({ model: z.string().check(z.minLength(1), z.maxLength(256)) });

export const modelTestResultSchema = z.looseObject({
  ok: z.boolean(),
  model: z.string(),
  deployment_id: z.string(),
  latency_ms: z.number(),
  /** The model's answer, to be shown as text. */
  answer: z.nullable(z.string()),
  error: z.nullable(z.string()),
});
export type ModelTestResult = z.infer<typeof modelTestResultSchema>;

/** Each optional field also accepts null ("remove it"). */
function nullableFields<T extends Record<string, z.ZodMiniOptional>>(shape: T): { [K in keyof T]: z.ZodMiniOptional<z.ZodMiniNullable<T[K]['_zod']['def']['innerType']>> } {
  const out: Record<string, z.ZodMiniType> = {};
  for (const [key, field] of Object.entries(shape)) out[key] = z.optional(z.nullable(field._zod.def.innerType));
  return out as { [K in keyof T]: z.ZodMiniOptional<z.ZodMiniNullable<T[K]['_zod']['def']['innerType']>> };
}
