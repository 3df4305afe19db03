// The zod schema of the LiteLLM-compatible config.yaml subset Switchboard reads. Unknown keys are
// allowed through here (passthrough): check-config-keys.ts has already refused the misspelt ones
// and warned about LiteLLM's, so a LiteLLM config starts unchanged. Only shapes live here;
// meaning lives in load-config.ts.
import { z } from 'zod';
import { ALLOWED_HOST_RULE, normalizeAllowedHost } from '../core/allowed-host.js';
import { ollamaApiSchema } from './ollama-api-settings.js';

const seconds = z.number().positive().finite();
const usdPerToken = z.number().nonnegative().finite();
/** A name or address other machines use to reach this one in LAN mode (or an explicit `*.domain`): no port or scheme. */
const allowedHost = z.string().refine(
  (value) => normalizeAllowedHost(value) !== undefined,
  ALLOWED_HOST_RULE,
);
/** A secret may be literal, `os.environ/NAME` or `keychain/NAME`. */
const secretString = z.string().min(1);

export const litellmParamsSchema = z.looseObject({
  model: z.string().regex(/^[A-Za-z0-9_.-]+\/.+$/, 'must be "provider/model", e.g. "openai/gpt-4o" or "ollama_chat/llama3.2"'),
  api_base: z.string().url('must be an absolute http(s) URL').optional(),
  api_key: secretString.optional(),
  api_version: z.string().optional(),
  timeout: seconds.optional(),
  stream_timeout: seconds.optional(),
  rpm: z.number().int().nonnegative().optional(),
  tpm: z.number().int().nonnegative().optional(),
  weight: z.number().nonnegative().finite().optional(),
  order: z.number().int().positive().optional(),
  max_retries: z.number().int().nonnegative().optional(),
  input_cost_per_token: usdPerToken.optional(),
  output_cost_per_token: usdPerToken.optional(),
  supports_responses: z.boolean().optional(),
});

export const modelInfoSchema = z.looseObject({
  id: z.string().min(1).max(128).optional(),
  base_model: z.string().optional(),
  mode: z.string().optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  max_tokens: z.number().int().positive().optional(),
  input_cost_per_token: usdPerToken.optional(),
  output_cost_per_token: usdPerToken.optional(),
  cache_read_input_token_cost: usdPerToken.optional(),
  cache_creation_input_token_cost: usdPerToken.optional(),
});

export const modelEntrySchema = z.looseObject({
  model_name: z.string().min(1).max(256),
  litellm_params: litellmParamsSchema,
  model_info: modelInfoSchema.optional(),
});

export const configFileSchema = z.looseObject({
  model_list: z.array(modelEntrySchema).optional(),
  router_settings: z.looseObject({}).optional(),
  litellm_settings: z.looseObject({}).optional(),
  general_settings: z
    .looseObject({
      master_key: secretString.optional(),
      database_url: z.string().optional(),
      max_request_size_mb: z.number().positive().finite().optional(),
      stored_responses_max_mb: z.number().positive().finite().optional(),
      // Team mode: how long a budget hold may outlive its request before the leader bills it (whole seconds).
      reservation_lease_seconds: z.number().int('must be a whole number of seconds').min(1).max(7 * 24 * 3600).optional(),
      allowed_hosts: z.array(allowedHost, 'must be a list of host names').optional(),
      ollama_api: ollamaApiSchema.optional(),
      // Open mode admits only apps whose rule says allowed: true (issue 19 item 4); off by default.
      only_allowed_apps: z.boolean().optional(),
      // Per-process attribution (docs/app-attribution.md): false turns it off.
      process_attribution: z.boolean().optional(),
      // LiteLLM's alerting keys; Switchboard sends budget alerts (see budget-alert-webhook.ts).
      alerting: z.array(z.string()).optional(),
      alert_types: z.array(z.string()).optional(),
      alerting_args: z.looseObject({ webhook_url: secretString.optional() }).optional(),
    })
    .optional(),
  environment_variables: z.record(z.string(), z.unknown()).optional(),
  switchboard: z.looseObject({}).optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ModelEntry = z.infer<typeof modelEntrySchema>;
