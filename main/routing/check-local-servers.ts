// Asks each configured model server on this machine (Ollama, vLLM, LM Studio, any
// OpenAI-compatible server on loopback) for its model list, once, and says per server which
// configured models it serves and which it does not. Never calls a server that is not on
// loopback: a cloud provider or a LAN machine is not contacted unasked.
import type { Deployment } from '../core/deployment.js';
import { discoverLocalModels, isLoopbackApiBase, serverKey } from './discover-local-models.js';
import type { ProbeDeps } from './probe-deployment.js';

export interface LocalServerCheck {
  /** host:port as a user would type it, e.g. `127.0.0.1:11434`. */
  address: string;
  provider: string;
  protocol: 'openai' | 'ollama';
  /** Something answered on that address. */
  reachable: boolean;
  /** Unreachable, or an answer that is not a model list: why, sanitised. */
  error?: string;
  /** Every model group routed to this server. */
  groups: string[];
  /** Model groups this server serves (its list names their model). */
  ready: string[];
  /** Model groups routed here whose model the server's list does not name (upstream model name). */
  missing: { group: string; model: string }[];
}

/** Short: a start-up check must not hold back the first request's attention for long. */
export const LOCAL_SERVER_CHECK_TIMEOUT_MS = 2_000;

export async function checkLocalServers(
  deps: ProbeDeps,
  deployments: readonly Deployment[],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<LocalServerCheck[]> {
  const servers = new Map<string, Deployment[]>();
  for (const d of deployments) {
    if ((d.protocol !== 'openai' && d.protocol !== 'ollama') || !isLoopbackApiBase(d.apiBase)) continue;
    const key = serverKey(d.protocol, d.apiBase);
    servers.set(key, [...(servers.get(key) ?? []), d]);
  }
  return Promise.all([...servers.values()].map(async (here) => {
    const carrier = here[0]!;
    const { servers: [listed] } = await discoverLocalModels(deps, {
      deployments: here, includeDefaults: false, timeoutMs: options.timeoutMs ?? LOCAL_SERVER_CHECK_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const served = new Set(listed?.models.flatMap((m) => m.configured_as) ?? []);
    const groups = [...new Set(here.map((d) => d.modelName))];
    const answered = listed?.reachable === true && listed.error === undefined;
    return {
      address: new URL(carrier.apiBase).host,
      provider: carrier.provider,
      protocol: carrier.protocol as 'openai' | 'ollama',
      reachable: listed?.reachable === true,
      groups,
      ...(listed?.error === undefined ? {} : { error: listed.error }),
      ready: answered ? groups.filter((g) => served.has(g)) : [],
      missing: answered ? here.filter((d) => !served.has(d.modelName)).map((d) => ({ group: d.modelName, model: d.upstreamModel })) : [],
    };
  }));
}
