// Health checks over every configured deployment: probe them in parallel, report in LiteLLM's
// /health shape, and feed the results to routing (a healthy probe ends a cooldown; in background
// mode an unhealthy one starts one). Optional background probing every `health_check_interval`
// seconds keeps a cached report. Probes only configured deployments; off unless asked for.
import type { DeploymentHealth } from './deployment-health.js';
import type { Deployment } from '../core/deployment.js';
import { probeDeployment, type ProbeDeps, type ProbeResult } from './probe-deployment.js';

export interface HealthEndpoint {
  /** The deployment's `provider/model`, as LiteLLM reports it. */
  model: string;
  /** The public model name (group) clients send. */
  model_group: string;
  /** Origin and path only: never credentials or a query. */
  api_base: string;
  deployment_id: string;
  latency_ms: number;
  /** Unhealthy only: why, sanitised. */
  error?: string;
}

export interface HealthReport {
  healthy_endpoints: HealthEndpoint[];
  unhealthy_endpoints: HealthEndpoint[];
  healthy_count: number;
  unhealthy_count: number;
  /** ISO time the probes started. */
  checked_at: string;
}

export interface HealthCheckSettings {
  background: boolean;
  intervalMs: number;
}

export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 300_000;

/** Reads LiteLLM's `general_settings.background_health_checks` and `health_check_interval` (s). */
export function parseHealthCheckSettings(generalSettings: Record<string, unknown>): HealthCheckSettings {
  const interval = generalSettings.health_check_interval;
  return {
    background: generalSettings.background_health_checks === true,
    // Never faster than every 5 s: a misconfigured interval must not hammer the backends.
    intervalMs: typeof interval === 'number' && Number.isFinite(interval) && interval > 0 ? Math.max(5_000, Math.round(interval * 1000)) : DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  };
}

/** A timer source, injected so tests drive the interval by hand. */
export interface IntervalScheduler {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface HealthChecksOptions {
  probe: ProbeDeps;
  /** The configured deployments now (re-read each run: a model list swap is picked up). */
  deployments: () => readonly Deployment[];
  /** The routing health to update. */
  health: () => DeploymentHealth;
  /** Failures that cool a deployment down (router_settings.allowed_fails). */
  allowedFails: number;
  /** Epoch ms, for `checked_at`. */
  now: () => number;
  scheduler?: IntervalScheduler;
}

export interface HealthChecks {
  /** Probes now (all deployments, or those `include` accepts); a healthy probe clears its cooldown. */
  check(include?: (deployment: Deployment) => boolean): Promise<HealthReport>;
  /** The last full report (background or on demand), if any. */
  last(): HealthReport | undefined;
  /** Starts background probing: one run now, then every `intervalMs`. Failures start cooldowns. */
  start(intervalMs: number): void;
  /** Resolves once no check is running (background or on demand). */
  idle(): Promise<void>;
  /** Stops the timer, cancels probes in flight and waits for them. */
  stop(): Promise<void>;
}

const realScheduler: IntervalScheduler = {
  setInterval(run, ms) {
    const handle = setInterval(run, ms);
    // Background probing must never keep the process alive on its own.
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export function createBackgroundHealthChecks(options: HealthChecksOptions): HealthChecks {
  const scheduler = options.scheduler ?? realScheduler;
  let lastReport: HealthReport | undefined;
  let timer: unknown;
  let inFlight: Promise<HealthReport> | undefined;
  const running = new Set<Promise<unknown>>();
  let cancel = new AbortController();

  /** `background`: the periodic run (cools failures down, skips opted-out deployments). */
  async function run(include: ((d: Deployment) => boolean) | undefined, background: boolean): Promise<HealthReport> {
    const checkedAt = new Date(options.now()).toISOString();
    const deployments = options.deployments().filter((d) =>
      (include?.(d) ?? true) && !(background && d.modelInfo.disable_background_health_check === true));
    const signal = cancel.signal;
    const results = await Promise.all(deployments.map((d) => probeDeployment(options.probe, d, { signal })));
    if (signal.aborted) return toReport(results, checkedAt);
    const health = options.health();
    for (const result of results) apply(health, result, background, options.allowedFails);
    const report = toReport(results, checkedAt);
    // The cached report answers for every deployment: a check of one group does not replace it.
    if (include === undefined) lastReport = report;
    return report;
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    running.add(promise);
    void promise.finally(() => running.delete(promise)).catch(() => undefined);
    return promise;
  }

  function backgroundRun(): void {
    // A slow backend must not pile runs on top of each other.
    if (inFlight) return;
    inFlight = track(run(undefined, true));
    void inFlight.finally(() => {
      inFlight = undefined;
    }).catch(() => undefined);
  }

  return {
    check: (include) => track(run(include, false)),
    last: () => lastReport,
    start(intervalMs) {
      if (timer !== undefined) return;
      cancel = new AbortController();
      backgroundRun();
      timer = scheduler.setInterval(backgroundRun, intervalMs);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async stop() {
      if (timer !== undefined) scheduler.clearInterval(timer);
      timer = undefined;
      cancel.abort();
      await Promise.allSettled([...running]);
      cancel = new AbortController();
    },
  };
}

function apply(health: DeploymentHealth, result: ProbeResult, coolDownOnFailure: boolean, allowedFails: number): void {
  const id = result.deployment.id;
  if (result.healthy) {
    health.clear(id);
    return;
  }
  if (!coolDownOnFailure || health.coolingDownUntil(id) !== undefined) return;
  // A failed background probe means the backend is down now, not "one flaky call": count it as
  // allowed_fails failures so it cools down at once and traffic goes to the others.
  for (let i = 0; i < Math.max(1, allowedFails) && health.coolingDownUntil(id) === undefined; i++) {
    health.recordFailure(id, result.status);
  }
}

function toReport(results: readonly ProbeResult[], checkedAt: string): HealthReport {
  const healthy: HealthEndpoint[] = [];
  const unhealthy: HealthEndpoint[] = [];
  for (const result of results) {
    const d = result.deployment;
    const endpoint: HealthEndpoint = {
      model: `${d.provider}/${d.upstreamModel}`,
      model_group: d.modelName,
      api_base: safeApiBase(d.apiBase),
      deployment_id: d.id,
      latency_ms: Math.round(result.latencyMs),
    };
    if (result.healthy) healthy.push(endpoint);
    else unhealthy.push({ ...endpoint, error: result.error ?? 'unhealthy' });
  }
  return { healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length, checked_at: checkedAt };
}

function safeApiBase(apiBase: string): string {
  try {
    const url = new URL(apiBase);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '[invalid api_base]';
  }
}
