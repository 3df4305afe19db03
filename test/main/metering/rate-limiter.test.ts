import { describe, expect, it } from 'vitest';
import { createRateLimiter, formatResetDuration, type RateLimitDecision, type RateLimited, type RateLimitedKey } from '../../../main/metering/rate-limiter.js';
import { fakeClock } from '../storage/storage-test-kit.js';

function key(id: string, limits: Partial<Omit<RateLimitedKey, 'id'>> = {}): RateLimitedKey {
  return { id, rpmLimit: null, tpmLimit: null, maxParallelRequests: null, ...limits };
}

function limited(decision: RateLimitDecision | { ok: boolean }): RateLimited {
  expect(decision.ok).toBe(false);
  return decision as RateLimited;
}

describe('createRateLimiter', () => {
  it('limits the N+1th request in the window and says when to retry (S28)', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 3 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.check(app, 0).ok).toBe(true);
      clock.advance(10_000);
    }
    // Requests at t=0, 10 s, 20 s; now t=30 s: the first leaves the window at t=60 s.
    const refused = limited(limiter.check(app, 0));
    expect(refused).toMatchObject({ limitType: 'requests', limit: 3, remaining: 0, retryAfterSeconds: 30, resetAt: clock.now() + 30_000 });
    expect(refused.message).toContain('3 requests per minute');
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '50s' });
  });

  it('frees one slot as each request leaves the sliding window', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 2 });
    limiter.check(app, 0);
    clock.advance(30_000);
    limiter.check(app, 0);
    clock.advance(29_999);
    expect(limiter.check(app, 0).ok).toBe(false);
    clock.advance(1);
    expect(limiter.check(app, 0).ok).toBe(true); // the t=0 request left
    expect(limiter.check(app, 0).ok).toBe(false); // the t=30 s one has not
    clock.advance(30_000);
    expect(limiter.check(app, 0).ok).toBe(true);
  });

  it('never admits more than the limit in any 60 s span, unlike a fixed window', () => {
    const clock = fakeClock(0);
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 5 });
    const admittedAt: number[] = [];
    for (let t = 0; t < 300_000; t += 1_000) {
      clock.set(t);
      if (limiter.check(app, 0).ok) admittedAt.push(t);
    }
    for (const start of admittedAt) {
      expect(admittedAt.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
    }
    expect(admittedAt.length).toBe(25);
  });

  it('keeps the limits of different keys independent', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const a = key('key_a', { rpmLimit: 1 });
    const b = key('key_b', { rpmLimit: 1 });
    expect(limiter.check(a, 0).ok).toBe(true);
    expect(limiter.check(a, 0).ok).toBe(false);
    expect(limiter.check(b, 0).ok).toBe(true);
    expect(limiter.check(b, 0).ok).toBe(false);
  });

  it('limits tokens per minute using the estimate, then the real count', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { tpmLimit: 1_000 });
    const first = limiter.check(app, 600);
    expect(first.ok).toBe(true);
    expect(limited(limiter.check(app, 600))).toMatchObject({ limitType: 'tokens', limit: 1_000, remaining: 400, retryAfterSeconds: 60 });
    // The first request used far less than estimated.
    clock.advance(5_000);
    if (first.ok) limiter.recordTokens(first.ticket, 100);
    expect(limiter.check(app, 600).ok).toBe(true);
    expect(limiter.headers(app)).toMatchObject({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '300' });
  });

  it('counts real tokens from when they are recorded, once per ticket', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { tpmLimit: 1_000 });
    const decision = limiter.check(app, 10);
    clock.advance(50_000);
    if (!decision.ok) throw new Error('expected admission');
    limiter.recordTokens(decision.ticket, 900);
    limiter.recordTokens(decision.ticket, 900);
    clock.advance(20_000); // 70 s after the check, 20 s after the tokens were counted
    expect(limited(limiter.check(app, 200))).toMatchObject({ limitType: 'tokens', remaining: 100, retryAfterSeconds: 40 });
  });

  it('admits a request larger than the whole token limit only into an empty window', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { tpmLimit: 100 });
    expect(limiter.check(app, 5_000).ok).toBe(true);
    expect(limited(limiter.check(app, 5_000)).limitType).toBe('tokens');
    clock.advance(60_000);
    expect(limiter.check(app, 5_000).ok).toBe(true);
  });

  it('reports the limit the client must wait longest for when several are hit', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 2, tpmLimit: 100 });
    limiter.check(app, 10);
    clock.advance(20_000);
    limiter.check(app, 90);
    clock.advance(1_000);
    const refused = limited(limiter.check(app, 50));
    // rpm frees at t=60 s (39 s away); tokens need both entries gone, at t=80 s (59 s away).
    expect(refused).toMatchObject({ limitType: 'tokens', retryAfterSeconds: 59 });
  });

  it('un-counts a request cancelled after admission', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 1 });
    const decision = limiter.check(app, 0);
    if (!decision.ok) throw new Error('expected admission');
    limiter.cancel(decision.ticket);
    limiter.cancel(decision.ticket);
    expect(limiter.check(app, 0).ok).toBe(true);
    expect(limiter.check(app, 0).ok).toBe(false);
  });

  it('limits parallel requests and frees a slot on release, once per lease', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { maxParallelRequests: 2 });
    const first = limiter.acquireParallel(app);
    const second = limiter.acquireParallel(app);
    expect(first.ok && second.ok).toBe(true);
    expect(limited(limiter.acquireParallel(app))).toMatchObject({ limitType: 'parallel_requests', limit: 2, remaining: 0, retryAfterSeconds: 1 });
    if (!first.ok) throw new Error('expected a lease');
    limiter.release(first.lease);
    limiter.release(first.lease);
    expect(limiter.acquireParallel(app).ok).toBe(true);
    expect(limiter.acquireParallel(app).ok).toBe(false);
    expect(limiter.acquireParallel(key('key_b', { maxParallelRequests: 1 })).ok).toBe(true);
  });

  it('keeps no state and sends no headers for a key without limits', () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    const free = key('key_free');
    for (let i = 0; i < 1_000; i++) expect(limiter.check(free, 1_000_000).ok).toBe(true);
    expect(limiter.headers(free)).toEqual({});
  });

  it('refuses everything with an rpm limit of 0', () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    expect(limited(limiter.check(key('key_a', { rpmLimit: 0 }), 0))).toMatchObject({ limitType: 'requests', retryAfterSeconds: 60 });
  });

  it('sends the x-ratelimit headers for admitted requests', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const app = key('key_a', { rpmLimit: 10, tpmLimit: 5_000 });
    limiter.check(app, 1_000);
    clock.advance(15_500);
    const decision = limiter.check(app, 500);
    expect(decision.ok && decision.headers).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '8',
      'x-ratelimit-reset-requests': '1m0s',
      'x-ratelimit-limit-tokens': '5000',
      'x-ratelimit-remaining-tokens': '3500',
      'x-ratelimit-reset-tokens': '1m0s',
    });
  });

  it('forgets a key on request', () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    const app = key('key_a', { rpmLimit: 1 });
    limiter.check(app, 0);
    limiter.forget('key_a');
    expect(limiter.check(app, 0).ok).toBe(true);
  });
});

describe('formatResetDuration', () => {
  it.each([
    [0, '0ms'],
    [17, '17ms'],
    [999.2, '1s'],
    [1_000, '1s'],
    [8_640, '8.64s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [-5, '0ms'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
