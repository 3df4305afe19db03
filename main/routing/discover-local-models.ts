// Discovery of the models a local model server offers, so the dashboard can add one with a click:
// every configured local server (Ollama via /api/tags; vLLM, LM Studio, llamafile and other
// OpenAI-compatible servers via /models), plus, only when asked, the default loopback addresses.
// Never calls anything but a configured api_base or a fixed 127.0.0.1 default; never follows
// a redirect; errors are sanitised.
import { isGatewayError } from '../core/gateway-error.js';
import { PROVIDER_CATALOG } from '../providers/provider-catalog.js';
import type { Deployment } from '../core/deployment.js';
import { sanitizeProbeError, sendCheapRequest, type ProbeDeps } from './probe-deployment.js';

export interface DiscoveredModel {
  /** The model name the server uses (Ollama tag or OpenAI model id). */
  id: string;
  /** A deployment already serves this model from this server. */
  already_configured: boolean;
  /** The model_name(s) of those deployments. */
  configured_as: string[];
  /** What to put in litellm_params.model to add it, e.g. `ollama_chat/qwen3:8b`. */
  litellm_model: string;
}

export interface DiscoveredServer {
  /** What to put in litellm_params.api_base. */
  api_base: string;
  /** LiteLLM provider prefix: `ollama_chat`, `hosted_vllm`, `lm_studio`, ... */
  provider: string;
  /** `config`: a configured deployment's server; `default`: a default address probed on request. */
  source: 'config' | 'default';
  reachable: boolean;
  /** When unreachable: why, sanitised. */
  error?: string;
  models: DiscoveredModel[];
}

export interface DiscoveryReport {
  servers: DiscoveredServer[];
}

export interface LocalServer {
  apiBase: string;
  provider: string;
  protocol: 'openai' | 'ollama';
}

/** Where Ollama, LM Studio and vLLM listen out of the box. All loopback. */
export const DEFAULT_LOCAL_SERVERS: readonly LocalServer[] = [
  { apiBase: 'http://127.0.0.1:11434', provider: 'ollama_chat', protocol: 'ollama' },
  { apiBase: 'http://127.0.0.1:1234/v1', provider: 'lm_studio', protocol: 'openai' },
  { apiBase: 'http://127.0.0.1:8000/v1', provider: 'hosted_vllm', protocol: 'openai' },
];

export interface DiscoverOptions {
  deployments: readonly Deployment[];
  /** Also probe DEFAULT_LOCAL_SERVERS (or `defaultServers`) not already configured. */
  includeDefaults: boolean;
  /** Replaces DEFAULT_LOCAL_SERVERS (tests point these at loopback mocks). */
  defaultServers?: readonly LocalServer[];
  /** Per server; a local server that takes longer is as good as absent. Default 3 s. */
  timeoutMs?: number;
  /** Cancels the calls in flight (the gateway is closing); they report unreachable. */
  signal?: AbortSignal;
}

const DEFAULT_DISCOVERY_TIMEOUT_MS = 3_000;
const MAX_LIST_BYTES = 4 * 1024 * 1024;
const MAX_MODELS = 1_000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export async function discoverLocalModels(deps: ProbeDeps, options: DiscoverOptions): Promise<DiscoveryReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS;
  const targets: { carrier: Deployment; provider: string; source: 'config' | 'default' }[] = [];
  const seen = new Set<string>();
  for (const d of options.deployments) {
    if (!isLocalDeployment(d)) continue;
    const key = serverKey(d.protocol, d.apiBase);
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ carrier: d, provider: d.provider, source: 'config' });
  }
  if (options.includeDefaults) {
    for (const server of options.defaultServers ?? DEFAULT_LOCAL_SERVERS) {
      const key = serverKey(server.protocol, server.apiBase);
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push({ carrier: syntheticDeployment(server, timeoutMs), provider: server.provider, source: 'default' });
    }
  }
  const servers = await Promise.all(targets.map((t) => listServer(deps, t.carrier, t.provider, t.source, timeoutMs, options.deployments, options.signal)));
  return { servers };
}

/** A local model server: a local provider (Ollama, vLLM, LM Studio, ...) or any OpenAI-compatible server on loopback. */
export function isLocalDeployment(d: Deployment): boolean {
  if (d.protocol !== 'openai' && d.protocol !== 'ollama') return false;
  if (PROVIDER_CATALOG[d.provider]?.local === true) return true;
  try {
    return LOOPBACK_HOSTS.has(new URL(d.apiBase).hostname) || new URL(d.apiBase).hostname.startsWith('127.');
  } catch {
    return false;
  }
}

async function listServer(
  deps: ProbeDeps,
  carrier: Deployment,
  provider: string,
  source: 'config' | 'default',
  timeoutMs: number,
  configured: readonly Deployment[],
  signal: AbortSignal | undefined,
): Promise<DiscoveredServer> {
  const server = { api_base: carrier.apiBase, provider, source };
  let apiKey: string | undefined;
  try {
    const adapter = deps.adapters[carrier.protocol];
    if (!adapter?.buildModelsRequest) return { ...server, reachable: false, error: `No model listing for the ${carrier.protocol} protocol`, models: [] };
    apiKey = (await deps.resolveCredential(carrier.credential)) || undefined;
    const call = adapter.buildModelsRequest({ deployment: carrier, apiKey });
    const response = await sendCheapRequest(deps.upstream, adapter, carrier, call, { timeoutMs, apiKey, maxBytes: MAX_LIST_BYTES, ...(signal ? { signal } : {}) });
    if (response.error) return { ...server, reachable: true, error: sanitizeProbeError(response.error.message, apiKey), models: [] };
    const ids = parseModelIds(carrier.protocol, response.text);
    if (ids === undefined) return { ...server, reachable: true, error: 'The server answered with something that is not a model list', models: [] };
    const here = configured.filter((d) => d.protocol === carrier.protocol && serverKey(d.protocol, d.apiBase) === serverKey(carrier.protocol, carrier.apiBase));
    return {
      ...server,
      reachable: true,
      models: ids.map((id) => {
        const matches = here.filter((d) => sameModel(carrier.protocol, d.upstreamModel, id));
        return { id, already_configured: matches.length > 0, configured_as: [...new Set(matches.map((d) => d.modelName))], litellm_model: `${provider}/${id}` };
      }),
    };
  } catch (error) {
    const message = isGatewayError(error) ? error.message : 'The server could not be reached';
    return { ...server, reachable: false, error: sanitizeProbeError(message, apiKey), models: [] };
  }
}

/** Ollama: {"models":[{"name":"qwen3:8b"}]}; OpenAI: {"data":[{"id":"..."}]}. Undefined if neither. */
function parseModelIds(protocol: 'openai' | 'ollama' | string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const list = protocol === 'ollama' ? (json as { models?: unknown }).models : (json as { data?: unknown }).data;
  if (!Array.isArray(list)) return undefined;
  const ids: string[] = [];
  for (const entry of list.slice(0, MAX_MODELS)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const raw = protocol === 'ollama' ? (entry as { name?: unknown; model?: unknown }).name ?? (entry as { model?: unknown }).model : (entry as { id?: unknown }).id;
    // A name is shown in the dashboard and may become a config value: keep it printable and short.
    // eslint-disable-next-line no-control-regex
    if (typeof raw === 'string' && raw.length > 0 && raw.length <= 256 && !/[\u0000-\u001f\u007f]/.test(raw)) ids.push(raw);
  }
  return [...new Set(ids)];
}

/** Ollama treats `llama3.2` and `llama3.2:latest` as the same model. */
function sameModel(protocol: string, configured: string, listed: string): boolean {
  if (configured === listed) return true;
  if (protocol !== 'ollama') return false;
  const tag = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return tag(configured) === tag(listed);
}

/** True when the api_base names this machine (localhost, 127.x, ::1): the only servers probed unasked. */
export function isLoopbackApiBase(apiBase: string): boolean {
  try {
    const host = new URL(apiBase).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

/** One key per server: loopback spellings (localhost, 127.0.0.1, [::1]) count as one host. */
export function serverKey(protocol: string, apiBase: string): string {
  try {
    const url = new URL(apiBase);
    const host = LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.') ? 'loopback' : url.hostname;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return `${protocol}|${url.protocol}//${host}:${port}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return `${protocol}|${apiBase}`;
  }
}

function syntheticDeployment(server: LocalServer, timeoutMs: number): Deployment {
  const url = new URL(server.apiBase);
  return {
    id: `discover:${server.provider}@${url.host}`,
    modelName: '',
    provider: server.provider,
    protocol: server.protocol,
    upstreamModel: '',
    apiBase: server.apiBase.replace(/\/+$/, ''),
    origin: url.origin,
    credential: { kind: 'none' },
    timeouts: { connectMs: timeoutMs, firstByteMs: timeoutMs, idleMs: timeoutMs },
    pricing: {},
    source: { kind: 'default' },
    modelInfo: {},
  };
}
