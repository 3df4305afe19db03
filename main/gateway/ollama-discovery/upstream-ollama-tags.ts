// The real /api/tags of the Ollama servers behind ollama/ and ollama_chat/ deployments, so
// /api/tags and /api/show report their true size, digest and details. One short call per server,
// cached briefly (a failure too, so a stopped Ollama never slows every listing); any failure
// means "not known" and the caller synthesises. Calls only a configured deployment's own origin
// through the shared upstream client (never follows redirects, body capped, key never logged).
import type { Deployment } from '../../core/deployment.js';
import { sendCheapRequest, type ProbeDeps } from '../../routing/probe-deployment.js';
import type { OllamaModelDetails, OllamaTagEntry } from './synthesise-ollama-model.js';
import { toOllamaTagName } from './resolve-ollama-model-name.js';
import { createBriefCache } from './brief-cache.js';

export interface UpstreamOllamaTags {
  /** The upstream's own entry for this deployment's model, or undefined (not Ollama, not listed, unreachable). */
  lookup(deployment: Deployment): Promise<Omit<OllamaTagEntry, 'name' | 'model'> | undefined>;
}

export interface UpstreamOllamaTagsOptions {
  now: () => number;
  /** How long one server's answer (or failure) is reused. */
  ttlMs?: number;
  /** Per call; a local Ollama answers /api/tags in milliseconds. */
  timeoutMs?: number;
}

const DEFAULT_TTL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 1_500;
const MAX_TAGS_BYTES = 4 * 1024 * 1024;

type Listing = ReadonlyMap<string, Omit<OllamaTagEntry, 'name' | 'model'>>;

export function createUpstreamOllamaTags(deps: ProbeDeps, options: UpstreamOllamaTagsOptions): UpstreamOllamaTags {
  const cache = createBriefCache<Listing | undefined>(options.now, options.ttlMs ?? DEFAULT_TTL_MS);
  // One listing per server (and per credential, when a deployment has one).
  const listingOf = (deployment: Deployment): Promise<Listing | undefined> => cache.get(
    `${deployment.apiBase}|${deployment.credential.kind === 'none' ? '' : deployment.id}`,
    () => fetchListing(deps, deployment, options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  );

  return {
    async lookup(deployment) {
      if (deployment.protocol !== 'ollama') return undefined;
      const listing = await listingOf(deployment);
      // Ollama treats `llama3.2` and `llama3.2:latest` as one model: both sides are keyed tagged.
      return listing?.get(toOllamaTagName(deployment.upstreamModel));
    },
  };
}

async function fetchListing(deps: ProbeDeps, deployment: Deployment, timeoutMs: number): Promise<Listing | undefined> {
  try {
    const adapter = deps.adapters[deployment.protocol];
    if (!adapter?.buildModelsRequest) return undefined;
    const apiKey = (await deps.resolveCredential(deployment.credential)) || undefined;
    const call = adapter.buildModelsRequest({ deployment, apiKey });
    const response = await sendCheapRequest(deps.upstream, adapter, deployment, call, { timeoutMs, apiKey, maxBytes: MAX_TAGS_BYTES });
    if (response.error || response.text === undefined) return undefined;
    return parseListing(response.text);
  } catch {
    // Unreachable, timed out, unreadable credential: the listing synthesises instead.
    return undefined;
  }
}

/** Entries with every field the right type; anything else is left out (then synthesised). */
function parseListing(text: string): Listing | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const models = isRecord(json) ? json.models : undefined;
  if (!Array.isArray(models)) return undefined;
  const listing = new Map<string, Omit<OllamaTagEntry, 'name' | 'model'>>();
  for (const entry of models.slice(0, 1000)) {
    if (!isRecord(entry)) continue;
    const name = typeof entry.model === 'string' ? entry.model : entry.name;
    const details = readDetails(entry.details);
    if (typeof name !== 'string' || typeof entry.modified_at !== 'string' || !Number.isSafeInteger(entry.size) || (entry.size as number) < 0
      || typeof entry.digest !== 'string' || !/^[0-9a-f]{64}$/.test(entry.digest) || details === undefined) continue;
    listing.set(toOllamaTagName(name), { modified_at: entry.modified_at, size: entry.size as number, digest: entry.digest, details });
  }
  return listing;
}

function readDetails(value: unknown): OllamaModelDetails | undefined {
  if (!isRecord(value)) return undefined;
  const text = (key: string): string | undefined => (typeof value[key] === 'string' ? value[key] : value[key] === undefined || value[key] === null ? '' : undefined);
  const [parent, format, family, size, quant] = ['parent_model', 'format', 'family', 'parameter_size', 'quantization_level'].map(text);
  if ([parent, format, family, size, quant].some((v) => v === undefined)) return undefined;
  const families = Array.isArray(value.families) ? value.families.filter((f): f is string => typeof f === 'string') : [family!];
  return { parent_model: parent!, format: format!, family: family!, families, parameter_size: size!, quantization_level: quant! };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
