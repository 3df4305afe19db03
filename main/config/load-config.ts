// Loads a LiteLLM-style config.yaml into Deployments and gateway settings. Reports problems as
// ConfigError (file:line: what is wrong, in words for a person); a misspelt key is a problem, a
// LiteLLM key Switchboard ignores is a warning (check-config-keys.ts).
// Secret values are resolved to references here and never copied anywhere else; an
// `os.environ/NAME` that is unset is an error naming the variable, not the value.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { PROVIDER_CATALOG } from '../providers/provider-catalog.js';
import type { CredentialRef, Deployment } from '../core/deployment.js';
import { ConfigError } from '../core/config-error.js';
import { requireLongAdminKey } from '../secrets/admin-key.js';
import { ALLOWED_HOST_RULE, normalizeAllowedHost } from '../core/allowed-host.js';
import { parseRouterSettings, type RouterSettings } from '../routing/router-settings.js';
import { configFileSchema, type ConfigFile, type ModelEntry } from './config-schema.js';
import { checkConfigKeys, formatKeyPath } from './check-config-keys.js';
import { describeConfigIssue } from './describe-config-issue.js';
import { parseOllamaApiSettings, type OllamaApiSettings } from './ollama-api-settings.js';

export const DEFAULT_TIMEOUTS = { connectMs: 10_000, firstByteMs: 120_000, idleMs: 60_000 } as const;
const DEFAULT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/** What an api_base looks like for a provider that needs one, for the error that asks for it. */
const API_BASE_EXAMPLE: Partial<Record<Deployment['protocol'], string>> = {
  azure: 'https://YOUR-RESOURCE.openai.azure.com',
  openai: 'http://127.0.0.1:8000/v1',
};

export interface GatewayConfig {
  /** The file it came from, or '<default>' for the embedded default. */
  file: string;
  deployments: Deployment[];
  /** Reference to the admin key, resolved by the caller (env or keychain). */
  masterKey: CredentialRef;
  /** router_settings, parsed; its problems are in `warnings` with the rest. */
  routerSettings: RouterSettings;
  /** general_settings as given (known keys only are acted on; e.g. background health checks). */
  generalSettings: Record<string, unknown>;
  bodyLimitBytes: number;
  /** general_settings.allowed_hosts, as Host names (lower-case, IPv6 bracketed): accepted in LAN mode only. */
  allowedHosts: string[];
  /** general_settings.ollama_api: the Ollama listener, keyless clients, /api/version, and maxKeepAliveSeconds() for keep_alive. */
  ollamaApi: OllamaApiSettings;
  /**
   * general_settings.database_url as written (a URL or os.environ/NAME); `switchboard serve`
   * weighs it with --database-url and DATABASE_URL (main/storage/choose-storage-engine.ts).
   */
  databaseUrl: string | undefined;
  warnings: string[];
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError(file, undefined, reason);
  }
  return parseConfigText(text, file, env);
}

export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (path: readonly PropertyKey[]): number | undefined => lineOfPath(doc, path, lineCounter);

  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new ConfigError(file, line, `invalid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, 1, 'the top level must be a mapping (model_list:, general_settings:, ...)');
  }
  const warnings: string[] = [];
  checkConfigKeys(raw as Record<string, unknown>, file, lineOf, warnings);
  const parsed = configFileSchema.safeParse(raw, { error: describeConfigIssue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key inside a strict block is reported at its own line, not its block's.
    const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
    throw new ConfigError(file, lineOf(path), `${formatKeyPath(path)}: ${issue.message}`);
  }
  const config: ConfigFile = parsed.data;

  const deployments: Deployment[] = [];
  const ids = new Set<string>();
  (config.model_list ?? []).forEach((entry, index) => {
    const deployment = toDeployment(entry, index, file, env, lineOf, warnings);
    if (ids.has(deployment.id)) {
      throw new ConfigError(file, lineOf(['model_list', index, 'model_info', 'id']), `model_list[${index}]: duplicate model_info.id "${deployment.id}"`);
    }
    ids.add(deployment.id);
    deployments.push(deployment);
  });

  const routerWarnings: string[] = [];
  const routerSettings = parseRouterSettings(config.router_settings ?? {}, routerWarnings);
  for (const warning of routerWarnings) warnings.push(`${file}:${lineOf(['router_settings']) ?? '?'}: ${warning}`);
  const general = config.general_settings ?? {};
  const masterKeyLine = lineOf(['general_settings', 'master_key']);
  const masterKey = general.master_key === undefined
    ? { kind: 'none' as const }
    : toCredentialRef(general.master_key, env, file, masterKeyLine, 'general_settings.master_key');
  // Refused here, with its line, when the value is at hand; a keychain key is checked once read.
  const masterKeyValue = masterKey.kind === 'literal' ? masterKey.value : masterKey.kind === 'env' ? env[masterKey.name] : undefined;
  if (masterKeyValue !== undefined) requireLongAdminKey(masterKeyValue, { file, line: masterKeyLine, setting: 'general_settings.master_key' });

  return {
    file,
    deployments,
    masterKey,
    routerSettings,
    generalSettings: { ...general },
    bodyLimitBytes: general.max_request_size_mb === undefined ? DEFAULT_BODY_LIMIT_BYTES : Math.floor(general.max_request_size_mb * 1024 * 1024),
    // The schema has checked every config entry, so each normalizes; the environment's join them.
    allowedHosts: [...new Set([...(general.allowed_hosts ?? []).map((name) => normalizeAllowedHost(name)!), ...allowedHostsFromEnv(env)])],
    ollamaApi: parseOllamaApiSettings(general),
    databaseUrl: general.database_url,
    warnings,
  };
}

/**
 * SWITCHBOARD_ALLOWED_HOSTS: comma-separated, for a container whose names (a Kubernetes Service,
 * its FQDN, a load balancer) are known to the deployment rather than to the config file.
 */
function allowedHostsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const entries = (env.SWITCHBOARD_ALLOWED_HOSTS ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return entries.map((entry) => {
    const name = normalizeAllowedHost(entry);
    if (name === undefined) throw new ConfigError('SWITCHBOARD_ALLOWED_HOSTS', undefined, `"${entry}" ${ALLOWED_HOST_RULE}`);
    return name;
  });
}

function toDeployment(
  entry: ModelEntry,
  index: number,
  file: string,
  env: NodeJS.ProcessEnv,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  warnings: string[],
): Deployment {
  const params = entry.litellm_params;
  const info = entry.model_info ?? {};
  const at = (key: string) => lineOf(['model_list', index, 'litellm_params', key]);
  const slash = params.model.indexOf('/');
  const provider = params.model.slice(0, slash);
  const upstreamModel = params.model.slice(slash + 1);
  const catalogEntry = PROVIDER_CATALOG[provider];
  if (!catalogEntry) {
    throw new ConfigError(file, at('model'), `model_list[${index}].litellm_params.model: unknown provider "${provider}" (known: ${Object.keys(PROVIDER_CATALOG).join(', ')})`);
  }
  // Only a documented default stands in for a missing api_base; a provider without one (any
  // OpenAI-compatible server, an Azure resource) has no address worth guessing.
  const apiBaseText = params.api_base ?? catalogEntry.defaultApiBase;
  if (apiBaseText === undefined) {
    throw new ConfigError(file, at('model'), `model_list[${index}].litellm_params.api_base is required for provider "${provider}", which has no default address: model "${entry.model_name}" needs its server's URL, e.g. api_base: ${API_BASE_EXAMPLE[catalogEntry.protocol] ?? 'http://127.0.0.1:8000/v1'}`);
  }
  const apiBase = new URL(apiBaseText);
  if (apiBase.protocol !== 'http:' && apiBase.protocol !== 'https:') {
    throw new ConfigError(file, at('api_base'), `model_list[${index}].litellm_params.api_base must use http or https`);
  }
  if (apiBase.username || apiBase.password || apiBase.search || apiBase.hash) {
    throw new ConfigError(file, at('api_base'), `model_list[${index}].litellm_params.api_base must not contain credentials, a query or a fragment`);
  }
  if (catalogEntry.protocol === 'azure' && params.api_version === undefined) {
    warnings.push(`${file}:${at('model') ?? '?'}: model_list[${index}] (azure) has no api_version; using the default`);
  }
  const credential: CredentialRef = params.api_key === undefined
    ? { kind: 'none' }
    : toCredentialRef(params.api_key, env, file, at('api_key'), `model_list[${index}].litellm_params.api_key`);

  const firstByteMs = params.timeout === undefined ? DEFAULT_TIMEOUTS.firstByteMs : Math.round(params.timeout * 1000);
  return {
    id: info.id ?? `${entry.model_name}#${index}`,
    modelName: entry.model_name,
    provider,
    protocol: catalogEntry.protocol,
    upstreamModel,
    apiBase: apiBase.href.replace(/\/+$/, ''),
    origin: apiBase.origin,
    credential,
    ...(params.api_version === undefined ? {} : { apiVersion: params.api_version }),
    timeouts: { connectMs: DEFAULT_TIMEOUTS.connectMs, firstByteMs, idleMs: params.stream_timeout === undefined ? DEFAULT_TIMEOUTS.idleMs : Math.round(params.stream_timeout * 1000) },
    pricing: {
      ...pick('inputCostPerToken', info.input_cost_per_token ?? params.input_cost_per_token),
      ...pick('outputCostPerToken', info.output_cost_per_token ?? params.output_cost_per_token),
      ...pick('cacheReadInputTokenCost', info.cache_read_input_token_cost),
      ...pick('cacheCreationInputTokenCost', info.cache_creation_input_token_cost),
    },
    ...pick('maxInputTokens', info.max_input_tokens),
    ...pick('maxOutputTokens', info.max_output_tokens ?? info.max_tokens),
    ...(typeof params.supports_responses === 'boolean' ? { supportsResponses: params.supports_responses } : {}),
    ...pick('baseModel', info.base_model),
    ...pick('weight', params.weight),
    ...pick('rpm', params.rpm),
    ...pick('tpm', params.tpm),
    ...pick('order', params.order),
    source: { kind: 'config', file },
    modelInfo: { ...info },
  };
}

function pick<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `os.environ/NAME` must be set now (fail at start, not at the first request). */
function toCredentialRef(value: string, env: NodeJS.ProcessEnv, file: string, line: number | undefined, where: string): CredentialRef {
  if (value.startsWith('os.environ/')) {
    const name = value.slice('os.environ/'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(file, line, `${where}: "${value}" is not a valid environment variable reference`);
    if (env[name] === undefined || env[name] === '') throw new ConfigError(file, line, `${where}: environment variable ${name} is not set`);
    return { kind: 'env', name };
  }
  if (value.startsWith('keychain/')) {
    const name = value.slice('keychain/'.length);
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) throw new ConfigError(file, line, `${where}: "${value}" is not a valid keychain reference`);
    return { kind: 'keychain', name };
  }
  return { kind: 'literal', value };
}

function lineOfPath(doc: Document, path: readonly PropertyKey[], counter: LineCounter): number | undefined {
  // Walk as deep as the path exists; report the deepest node found (the parent of a missing key).
  let node: unknown = doc.contents;
  let found: unknown = node;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === step);
      if (!pair) break;
      found = pair.key;
      node = pair.value;
      if (node) found = isScalar(node) ? node : pair.key;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      if (!node) break;
      found = node;
    } else {
      break;
    }
  }
  const range = (found as { range?: [number, number, number] } | undefined)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}
