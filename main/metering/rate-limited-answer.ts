// The refusal both rate limiters return (in-memory for one process, shared for team mode): the
// same Retry-After rounding, the same wording and the same fields, so a client cannot tell which
// engine refused it.
import type { RateLimited, RateLimitedKey, RateLimitType } from './rate-limiter.js';

export function rateLimitedAnswer(
  key: RateLimitedKey,
  limitType: RateLimitType,
  limit: number,
  used: number,
  resetAt: number,
  now: number,
  headers: Record<string, string>,
): RateLimited {
  // At least 1 s: a Retry-After of 0 makes clients retry in a tight loop.
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
  const unit = limitType === 'tokens' ? 'tokens per minute' : limitType === 'requests' ? 'requests per minute' : 'requests in parallel';
  return {
    ok: false,
    limitType,
    retryAfterSeconds,
    limit,
    remaining: Math.max(0, limit - used),
    resetAt,
    headers,
    message: `Rate limit exceeded for ${key.name ? key.name : `key ${key.id}`}: ${limit} ${unit}. Retry after ${retryAfterSeconds} s.`,
  };
}
