// Reads LiteLLM's router_settings block into typed routing settings with documented defaults.
// Unknown or malformed values fall back to the default rather than failing start; the loader
// already reported unknown keys.
export type RoutingStrategy = 'simple-shuffle' | 'least-busy' | 'latency-based-routing';

export interface RouterSettings {
  strategy: RoutingStrategy;
  /** Retries per request across the group's deployments (LiteLLM num_retries; default 2). */
  numRetries: number;
  /** Failures within a minute before a deployment cools down (LiteLLM allowed_fails; default 3). */
  allowedFails: number;
  cooldownMs: number;
  /** Longest Retry-After we will wait before retrying, in ms. */
  maxRetryAfterMs: number;
  /** Whole-request budget for all attempts before the first byte, in ms. */
  totalDeadlineMs: number;
  /** Model group -> ordered fallback groups. */
  fallbacks: ReadonlyMap<string, readonly string[]>;
  contextWindowFallbacks: ReadonlyMap<string, readonly string[]>;
  /** Base of the exponential backoff between retries, in ms. */
  retryBackoffMs: number;
}

export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  strategy: 'simple-shuffle',
  numRetries: 2,
  allowedFails: 3,
  cooldownMs: 5_000,
  maxRetryAfterMs: 10_000,
  totalDeadlineMs: 600_000,
  fallbacks: new Map(),
  contextWindowFallbacks: new Map(),
  retryBackoffMs: 100,
};

const STRATEGIES: readonly RoutingStrategy[] = ['simple-shuffle', 'least-busy', 'latency-based-routing'];

export function parseRouterSettings(raw: Record<string, unknown>, warnings: string[] = []): RouterSettings {
  const number = (key: string, fallback: number, scale = 1): number => {
    const value = raw[key];
    if (value === undefined) return fallback * scale;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * scale;
    warnings.push(`router_settings.${key} must be a non-negative number; using the default`);
    return fallback * scale;
  };
  let strategy = DEFAULT_ROUTER_SETTINGS.strategy;
  if (raw.routing_strategy !== undefined) {
    if (STRATEGIES.includes(raw.routing_strategy as RoutingStrategy)) strategy = raw.routing_strategy as RoutingStrategy;
    else warnings.push(`router_settings.routing_strategy "${String(raw.routing_strategy)}" is not supported (${STRATEGIES.join(', ')}); using simple-shuffle`);
  }
  return {
    strategy,
    numRetries: Math.floor(number('num_retries', DEFAULT_ROUTER_SETTINGS.numRetries)),
    allowedFails: Math.floor(number('allowed_fails', DEFAULT_ROUTER_SETTINGS.allowedFails)),
    cooldownMs: number('cooldown_time', DEFAULT_ROUTER_SETTINGS.cooldownMs / 1000, 1000),
    maxRetryAfterMs: number('max_retry_after', DEFAULT_ROUTER_SETTINGS.maxRetryAfterMs / 1000, 1000),
    totalDeadlineMs: number('timeout', DEFAULT_ROUTER_SETTINGS.totalDeadlineMs / 1000, 1000),
    retryBackoffMs: number('retry_after', DEFAULT_ROUTER_SETTINGS.retryBackoffMs / 1000, 1000),
    fallbacks: parseFallbacks(raw.fallbacks, 'fallbacks', warnings),
    contextWindowFallbacks: parseFallbacks(raw.context_window_fallbacks, 'context_window_fallbacks', warnings),
  };
}

/** LiteLLM shape: `[{"gpt-4o": ["claude-sonnet", "local"]}, ...]`. */
function parseFallbacks(value: unknown, key: string, warnings: string[]): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  if (value === undefined) return map;
  if (!Array.isArray(value)) {
    warnings.push(`router_settings.${key} must be a list like [{"model": ["fallback"]}]; ignored`);
    return map;
  }
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [from, to] of Object.entries(entry as Record<string, unknown>)) {
      const list = (Array.isArray(to) ? to : [to]).filter((x): x is string => typeof x === 'string');
      if (list.length > 0) map.set(from, list);
    }
  }
  return map;
}
