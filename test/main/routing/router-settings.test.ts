import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTER_SETTINGS, parseRouterSettings } from '../../../main/routing/router-settings.js';

describe('parseRouterSettings', () => {
  // An absent key once returned its default in seconds without the ms scale (cooldown 5 ms,
  // total deadline 600 ms, max Retry-After 10 ms).
  it('uses the documented defaults for an empty block', () => {
    expect(parseRouterSettings({})).toEqual(DEFAULT_ROUTER_SETTINGS);
  });

  it('reads LiteLLM keys, seconds becoming milliseconds', () => {
    const s = parseRouterSettings({
      routing_strategy: 'least-busy', num_retries: 4, allowed_fails: 2, cooldown_time: 30, timeout: 90, max_retry_after: 20, retry_after: 0.5,
      fallbacks: [{ chat: ['backup', 'local'] }], context_window_fallbacks: [{ small: 'large' }],
    });
    expect(s).toMatchObject({ strategy: 'least-busy', numRetries: 4, allowedFails: 2, cooldownMs: 30_000, totalDeadlineMs: 90_000, maxRetryAfterMs: 20_000, retryBackoffMs: 500 });
    expect([...s.fallbacks]).toEqual([['chat', ['backup', 'local']]]);
    expect([...s.contextWindowFallbacks]).toEqual([['small', ['large']]]);
  });

  it.each([
    [{ routing_strategy: 'cost-based-routing' }, 'routing_strategy'],
    [{ num_retries: -1 }, 'num_retries'],
    [{ cooldown_time: 'soon' }, 'cooldown_time'],
    [{ fallbacks: { chat: ['x'] } }, 'fallbacks'],
  ])('falls back to the default and warns for %j', (raw, key) => {
    const warnings: string[] = [];
    const s = parseRouterSettings(raw, warnings);
    expect(s.strategy).toBe('simple-shuffle');
    expect(s.numRetries).toBe(DEFAULT_ROUTER_SETTINGS.numRetries);
    expect(s.fallbacks.size).toBe(0);
    expect(warnings.join('\n')).toContain(key);
  });
});
