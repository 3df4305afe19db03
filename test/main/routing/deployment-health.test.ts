import { describe, expect, it } from 'vitest';
import { createDeploymentHealth } from '../../../main/routing/deployment-health.js';
import { fakeClock } from './routing-test-kit.js';

function setup(allowedFails = 3, cooldownMs = 5_000) {
  const clock = fakeClock();
  return { clock, health: createDeploymentHealth({ allowedFails, cooldownMs, now: clock.now }) };
}

describe('createDeploymentHealth', () => {
  it('cools a deployment down after allowed_fails failures within a minute, until cooldown_time has passed', () => {
    const { clock, health } = setup(3, 5_000);
    health.recordFailure('a', 500);
    health.recordFailure('a', 500);
    expect(health.coolingDownUntil('a')).toBeUndefined();
    clock.advance(1_000);
    health.recordFailure('a', undefined);
    const until = health.coolingDownUntil('a');
    expect(until).toBe(clock.now() + 5_000);
    clock.advance(4_999);
    expect(health.coolingDownUntil('a')).toBe(until);
    clock.advance(1);
    expect(health.coolingDownUntil('a')).toBeUndefined();
  });

  it('forgets failures older than a minute', () => {
    const { clock, health } = setup(3);
    health.recordFailure('a', 500);
    health.recordFailure('a', 500);
    clock.advance(60_000);
    health.recordFailure('a', 500);
    expect(health.coolingDownUntil('a')).toBeUndefined();
  });

  it.each([429, 401, 403, 404])('cools down at once on HTTP %s', (status) => {
    const { clock, health } = setup(100);
    health.recordFailure('a', status);
    expect(health.coolingDownUntil('a')).toBe(clock.now() + 5_000);
  });

  it('keeps each deployment separate', () => {
    const { health } = setup(1);
    health.recordFailure('a', 500);
    expect(health.coolingDownUntil('a')).toBeDefined();
    expect(health.coolingDownUntil('b')).toBeUndefined();
  });

  it('ends a cooldown and the failure count on clear (a healthy probe)', () => {
    const { health } = setup(2);
    health.recordFailure('a', 429);
    health.clear('a');
    expect(health.coolingDownUntil('a')).toBeUndefined();
    health.recordFailure('a', 500);
    expect(health.coolingDownUntil('a')).toBeUndefined();
  });

  it('counts requests in flight, and ending one twice counts once', () => {
    const { health } = setup();
    const end1 = health.begin('a');
    health.begin('a');
    expect(health.inFlight('a')).toBe(2);
    end1();
    end1();
    expect(health.inFlight('a')).toBe(1);
    expect(health.inFlight('other')).toBe(0);
  });

  it('keeps an exponentially weighted latency average', () => {
    const { health } = setup();
    expect(health.averageLatencyMs('a')).toBeUndefined();
    health.recordSuccess('a', 100);
    health.recordSuccess('a', 600);
    expect(health.averageLatencyMs('a')).toBe(200);
  });
});
