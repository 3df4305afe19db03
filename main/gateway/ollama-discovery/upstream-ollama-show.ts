// The real /api/show of a model served by a real Ollama (ollama/ and ollama_chat/ deployments):
// its own capabilities and model_info (true context length, architecture), so a local model is
// described by the server that runs it rather than by guesses. One short call per model, cached
// briefly, failures included; any failure means "not known" and the caller uses model_info.
// Calls only the deployment's own origin through the shared upstream client, as the Ollama
// adapter does (no key: Ollama takes none).
import type { Deployment } from '../../core/deployment.js';
import { sendCheapRequest, type ProbeDeps } from '../../routing/probe-deployment.js';
import { createBriefCache } from './brief-cache.js';

export interface UpstreamShow {
  capabilities: string[] | undefined;
  /** Scalar entries only: Ollama may put tokenizer arrays here, which no client needs from us. */
  modelInfo: Record<string, string | number | boolean> | undefined;
}

export interface UpstreamOllamaShow {
  lookup(deployment: Deployment): Promise<UpstreamShow | undefined>;
}

const DEFAULT_TTL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 1_500;
const MAX_SHOW_BYTES = 4 * 1024 * 1024;
const MAX_INFO_ENTRIES = 200;

export function createUpstreamOllamaShow(deps: ProbeDeps, options: { now: () => number; ttlMs?: number; timeoutMs?: number }): UpstreamOllamaShow {
  const cache = createBriefCache<UpstreamShow | undefined>(options.now, options.ttlMs ?? DEFAULT_TTL_MS);
  return {
    lookup(deployment) {
      if (deployment.protocol !== 'ollama') return Promise.resolve(undefined);
      return cache.get(`${deployment.apiBase}|${deployment.upstreamModel}`, () => fetchShow(deps, deployment, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    },
  };
}

async function fetchShow(deps: ProbeDeps, deployment: Deployment, timeoutMs: number): Promise<UpstreamShow | undefined> {
  try {
    const adapter = deps.adapters[deployment.protocol];
    if (!adapter) return undefined;
    const call = {
      method: 'POST' as const, path: '/api/show', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ model: deployment.upstreamModel }),
    };
    const response = await sendCheapRequest(deps.upstream, adapter, deployment, call, { timeoutMs, apiKey: undefined, maxBytes: MAX_SHOW_BYTES });
    if (response.error || response.text === undefined) return undefined;
    const json: unknown = JSON.parse(response.text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
    const record = json as Record<string, unknown>;
    const capabilities = Array.isArray(record.capabilities) ? record.capabilities.filter((c): c is string => typeof c === 'string' && c.length <= 64) : undefined;
    let modelInfo: Record<string, string | number | boolean> | undefined;
    if (typeof record.model_info === 'object' && record.model_info !== null && !Array.isArray(record.model_info)) {
      modelInfo = {};
      for (const [name, value] of Object.entries(record.model_info).slice(0, MAX_INFO_ENTRIES * 4)) {
        if (Object.keys(modelInfo).length >= MAX_INFO_ENTRIES) break;
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') modelInfo[name] = value;
      }
    }
    return { capabilities, modelInfo };
  } catch {
    // Unreachable, timed out, not JSON: the answer is built from model_info instead.
    return undefined;
  }
}
