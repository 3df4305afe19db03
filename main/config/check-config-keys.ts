// Which keys config.yaml may hold where, and what happens to the others. A misspelt key must fail
// the start (a typo such as `api_bse:` silently sent a model to api.openai.com), while a key
// LiteLLM documents but Switchboard does not act on must only warn, so a LiteLLM config starts
// unchanged. Runs on the raw YAML, before the schema, so a typo is named as a typo and not as the
// missing key it was meant to be. Never reads or echoes a value.
import { ConfigError } from '../core/config-error.js';
import { closestKey } from './closest-key.js';

type LineOf = (path: readonly PropertyKey[]) => number | undefined;

interface BlockPolicy {
  /** Keys Switchboard acts on. */
  used: readonly string[];
  /** Keys LiteLLM documents here that Switchboard ignores: a warning each, never an error. */
  litellmOnly: readonly string[];
  /**
   * `error`: any other key is refused (these blocks have a closed set of keys in LiteLLM too).
   * `warn`: any other key is warned about (free-form blocks), unless it is one edit or two away
   * from a key Switchboard acts on: that is a typo of a setting the user meant to change.
   */
  otherKeys: 'error' | 'warn';
  /** How a warned-about key is described; "is not supported by Switchboard" by default. */
  ignoredAs?: string;
}

const TOP_LEVEL: BlockPolicy = {
  // `switchboard:` is reserved for Switchboard's own settings.
  used: ['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'switchboard'],
  litellmOnly: [
    'environment_variables', 'credential_list', 'include', 'guardrails', 'mcp_servers', 'callback_settings', 'vector_store_registry',
    'assistant_settings', 'files_settings', 'finetune_settings', 'search_tools', 'prompts',
  ],
  otherKeys: 'error',
};

const MODEL_ENTRY: BlockPolicy = { used: ['model_name', 'litellm_params', 'model_info'], litellmOnly: [], otherKeys: 'error' };

const LITELLM_PARAMS: BlockPolicy = {
  used: [
    'model', 'api_base', 'api_key', 'api_version', 'timeout', 'stream_timeout', 'rpm', 'tpm', 'weight', 'order',
    'max_retries', 'input_cost_per_token', 'output_cost_per_token', 'supports_responses',
  ],
  // LiteLLM passes any completion() argument through litellm_params; these are the documented
  // ones and the common request defaults people put there.
  litellmOnly: [
    'max_budget', 'budget_duration', 'tags', 'litellm_credential_name', 'drop_params', 'additional_drop_params', 'keep_alive',
    'input_cost_per_second', 'output_cost_per_second', 'num_retries', 'custom_llm_provider', 'organization', 'headers',
    'extra_headers', 'extra_body', 'temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'seed', 'stop',
    'reasoning_effort', 'thinking', 'merge_reasoning_content_in_choices', 'cache_control_injection_points', 'mock_response',
    'use_in_pass_through', 'use_litellm_proxy', 'configurable_clientside_auth_params', 'region_name', 'api_type',
    'azure_ad_token', 'tenant_id', 'client_id', 'client_secret', 'azure_username', 'azure_password',
    'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name', 'aws_role_name', 'aws_profile_name',
    'vertex_project', 'vertex_location', 'vertex_credentials',
  ],
  otherKeys: 'error',
};

const MODEL_INFO: BlockPolicy = {
  used: [
    'id', 'base_model', 'mode', 'max_input_tokens', 'max_output_tokens', 'max_tokens', 'input_cost_per_token',
    'output_cost_per_token', 'cache_read_input_token_cost', 'cache_creation_input_token_cost',
    'supports_function_calling', 'supports_vision', 'supports_reasoning', 'description',
    'health_check_timeout', 'disable_background_health_check',
  ],
  litellmOnly: [
    'access_groups', 'supported_environments', 'custom_tokenizer', 'input_cost_per_second', 'output_cost_per_second',
    'health_check_max_tokens', 'health_check_model', 'supports_parallel_function_calling', 'supports_prompt_caching',
    'supports_response_schema', 'supports_system_messages', 'supports_web_search', 'supports_audio_input',
    'supports_audio_output', 'output_cost_per_reasoning_token', 'input_cost_per_audio_token', 'litellm_provider', 'db_model',
  ],
  otherKeys: 'warn',
};

const GENERAL_SETTINGS: BlockPolicy = {
  used: ['master_key', 'database_url', 'database_connection_pool_limit', 'reservation_lease_seconds', 'max_request_size_mb', 'stored_responses_max_mb', 'background_health_checks', 'health_check_interval', 'allowed_hosts', 'ollama_api', 'only_allowed_apps', 'process_attribution', 'alerting', 'alert_types', 'alerting_args'],
  litellmOnly: [
    'store_model_in_db', 'custom_auth', 'enable_jwt_auth', 'litellm_key_header_name', 'allowed_ips', 'allowed_routes',
    'enforce_user_param', 'default_team_disabled', 'database_connection_timeout',
    'allow_requests_on_db_unavailable', 'disable_prisma_schema_update', 'proxy_batch_write_at', 'disable_spend_logs',
    'disable_error_logs', 'disable_spend_updates', 'store_prompts_in_spend_logs', 'maximum_spend_logs_retention_period',
    'maximum_spend_logs_retention_interval', 'maximum_spend_logs_cleanup_cron', 'use_redis_transaction_buffer',
    'health_check_details', 'always_include_stream_usage', 'forward_client_headers_to_llm_api', 'max_response_size_mb',
    'fail_closed_budget_enforcement', 'budget_exceeded_models_policy', 'token_rate_limit_type', 'alerting_threshold',
    'alert_to_webhook_url', 'spend_report_frequency', 'ui_access_mode',
  ],
  otherKeys: 'warn',
};

const ROUTER_SETTINGS: BlockPolicy = {
  used: ['routing_strategy', 'num_retries', 'allowed_fails', 'cooldown_time', 'max_retry_after', 'timeout', 'retry_after', 'fallbacks', 'context_window_fallbacks'],
  litellmOnly: [
    'routing_strategy_args', 'retry_policy', 'content_policy_fallbacks', 'default_fallbacks', 'max_fallbacks', 'allowed_fails_policy',
    'enable_pre_call_checks', 'optional_pre_call_checks', 'stream_timeout', 'model_group_alias', 'provider_budget_config',
    'redis_host', 'redis_port', 'redis_password', 'redis_url', 'default_litellm_params', 'enable_tag_filtering', 'disable_cooldowns',
    'enable_health_check_routing', 'cache_responses',
  ],
  otherKeys: 'warn',
};

/** Switchboard acts on no litellm_settings key: each one is named in a warning. */
const LITELLM_SETTINGS: BlockPolicy = { used: [], litellmOnly: [], otherKeys: 'warn', ignoredAs: 'is a LiteLLM setting Switchboard does not use' };

/** Why a LiteLLM key does nothing here, where a plain "not used" would puzzle. */
const REASONS: Record<string, string> = {
  'general_settings.store_model_in_db': 'is not needed: models added in the dashboard are always stored in the database',
  environment_variables: 'is not applied by Switchboard: set these variables in the environment before starting it',
  include: 'is not supported: Switchboard reads one file, so copy the included files\' model_list entries into this one',
};

/**
 * Throws ConfigError (file:line, the key, and the key it was probably meant to be) for an unknown
 * key where only known keys make sense; pushes a warning for each key LiteLLM has and Switchboard
 * ignores. `raw` is the parsed YAML before the schema has looked at it.
 */
export function checkConfigKeys(raw: Record<string, unknown>, file: string, lineOf: LineOf, warnings: string[]): void {
  checkBlock(raw, [], TOP_LEVEL, file, lineOf, warnings);
  const modelList = raw.model_list;
  if (Array.isArray(modelList)) {
    modelList.forEach((entry, index) => {
      if (!isMapping(entry)) return;
      checkBlock(entry, ['model_list', index], MODEL_ENTRY, file, lineOf, warnings);
      if (isMapping(entry.litellm_params)) checkBlock(entry.litellm_params, ['model_list', index, 'litellm_params'], LITELLM_PARAMS, file, lineOf, warnings);
      if (isMapping(entry.model_info)) checkBlock(entry.model_info, ['model_list', index, 'model_info'], MODEL_INFO, file, lineOf, warnings);
    });
  }
  const blocks: [string, BlockPolicy][] = [['general_settings', GENERAL_SETTINGS], ['router_settings', ROUTER_SETTINGS], ['litellm_settings', LITELLM_SETTINGS]];
  for (const [name, policy] of blocks) {
    const block = raw[name];
    if (isMapping(block)) checkBlock(block, [name], policy, file, lineOf, warnings);
  }
}

function checkBlock(block: Record<string, unknown>, at: (string | number)[], policy: BlockPolicy, file: string, lineOf: LineOf, warnings: string[]): void {
  const used = new Set(policy.used);
  const litellmOnly = new Set(policy.litellmOnly);
  for (const key of Object.keys(block)) {
    if (used.has(key)) continue;
    const path = [...at, key];
    const display = formatKeyPath(path);
    const line = lineOf(path);
    if (litellmOnly.has(key)) {
      warnings.push(`${file}:${line ?? '?'}: ${display} ${REASONS[display] ?? 'is a LiteLLM setting Switchboard does not use'}; ignored`);
      continue;
    }
    const meant = closestKey(key, policy.otherKeys === 'error' ? [...policy.used, ...policy.litellmOnly] : policy.used);
    if (policy.otherKeys === 'error' || meant !== undefined) {
      const hint = meant === undefined ? ` (${at.length === 0 ? 'the top level' : formatKeyPath(at)} takes ${policy.used.join(', ')})` : `; did you mean \`${meant}\`?`;
      throw new ConfigError(file, line, `${display}: unknown key${hint}`);
    }
    warnings.push(`${file}:${line ?? '?'}: ${display} ${policy.ignoredAs ?? 'is not supported by Switchboard'}; ignored`);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `model_list[0].litellm_params.api_base`, as the user finds it in the file. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, step) => (typeof step === 'number' ? `${acc}[${step}]` : acc ? `${acc}.${String(step)}` : String(step)), '') || '(top level)';
}
