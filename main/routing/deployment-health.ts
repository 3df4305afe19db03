// Tracks each deployment's recent behaviour for routing: failures per minute and cooldowns
// (LiteLLM semantics: allowed_fails within a minute, or an immediate 429/401/404, cools a
// deployment down for cooldown_time), requests in flight (least-busy) and a latency average
// (latency-based routing). In memory, clock injected; never does I/O.
export interface DeploymentHealth {
  /** A failed attempt; `status` is the upstream HTTP status when there was one. */
  recordFailure(deploymentId: string, status: number | undefined): void;
  recordSuccess(deploymentId: string, latencyMs: number): void;
  /** Epoch ms until which it is cooling down, or undefined. */
  coolingDownUntil(deploymentId: string): number | undefined;
  inFlight(deploymentId: string): number;
  /** Marks a request as started; call the returned function when it ends. */
  begin(deploymentId: string): () => void;
  averageLatencyMs(deploymentId: string): number | undefined;
  /** Manual reset, e.g. after a successful health probe. */
  clear(deploymentId: string): void;
}

export interface DeploymentHealthOptions {
  allowedFails: number;
  cooldownMs: number;
  now: () => number;
}

const WINDOW_MS = 60_000;
const IMMEDIATE_COOLDOWN = new Set([429, 401, 403, 404]);

interface State {
  failures: number[];
  cooldownUntil: number;
  inFlight: number;
  latency: number | undefined;
}

export function createDeploymentHealth(options: DeploymentHealthOptions): DeploymentHealth {
  const states = new Map<string, State>();
  const state = (id: string): State => {
    let s = states.get(id);
    if (!s) {
      s = { failures: [], cooldownUntil: 0, inFlight: 0, latency: undefined };
      states.set(id, s);
    }
    return s;
  };
  return {
    recordFailure(id, status) {
      const s = state(id);
      const now = options.now();
      s.failures = s.failures.filter((t) => now - t < WINDOW_MS);
      s.failures.push(now);
      if ((status !== undefined && IMMEDIATE_COOLDOWN.has(status)) || s.failures.length >= options.allowedFails) {
        s.cooldownUntil = now + options.cooldownMs;
        s.failures = [];
      }
    },
    recordSuccess(id, latencyMs) {
      const s = state(id);
      // Exponentially weighted: recent calls matter most, one outlier does not flip routing.
      s.latency = s.latency === undefined ? latencyMs : s.latency * 0.8 + latencyMs * 0.2;
    },
    coolingDownUntil(id) {
      const until = states.get(id)?.cooldownUntil ?? 0;
      return until > options.now() ? until : undefined;
    },
    inFlight: (id) => states.get(id)?.inFlight ?? 0,
    begin(id) {
      const s = state(id);
      s.inFlight++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        s.inFlight--;
      };
    },
    averageLatencyMs: (id) => states.get(id)?.latency,
    clear(id) {
      const s = states.get(id);
      if (s) {
        s.failures = [];
        s.cooldownUntil = 0;
      }
    },
  };
}
