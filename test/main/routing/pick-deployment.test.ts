import { describe, expect, it } from 'vitest';
import { pickDeployment } from '../../../main/routing/pick-deployment.js';
import { createDeploymentHealth } from '../../../main/routing/deployment-health.js';
import type { Deployment } from '../../../main/core/deployment.js';
import type { RoutingStrategy } from '../../../main/routing/router-settings.js';
import { deployment, fakeClock, seededRandom } from './routing-test-kit.js';

const health = () => createDeploymentHealth({ allowedFails: 3, cooldownMs: 5_000, now: fakeClock().now });

function counts(pool: Deployment[], strategy: RoutingStrategy, n: number, seed = 42): Record<string, number> {
  const random = seededRandom(seed);
  const h = health();
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const picked = pickDeployment(pool, strategy, h, random)!;
    out[picked.id] = (out[picked.id] ?? 0) + 1;
  }
  return out;
}

describe('pickDeployment', () => {
  it('returns undefined when there is no candidate', () => {
    expect(pickDeployment([], 'simple-shuffle', health(), Math.random)).toBeUndefined();
  });

  describe('simple-shuffle', () => {
    // weight 3 : 1 -> the random point in [0, 4) picks a below 3 and b from 3 on.
    it.each([
      [0, 'a'],
      [0.5, 'a'],
      [0.7499, 'a'],
      [0.75, 'b'],
      [0.9999, 'b'],
    ])('with weights 3:1 and random() = %s picks %s', (r, expected) => {
      const pool = [deployment('a', { weight: 3 }), deployment('b', { weight: 1 })];
      expect(pickDeployment(pool, 'simple-shuffle', health(), () => r)?.id).toBe(expected);
    });

    it.each([
      ['weight', { weight: 3 }, { weight: 1 }],
      ['rpm', { rpm: 300 }, { rpm: 100 }],
      ['tpm', { tpm: 30_000 }, { tpm: 10_000 }],
    ] as const)('spreads traffic in proportion to %s (seeded)', (_name, heavy, light) => {
      const c = counts([deployment('heavy', heavy), deployment('light', light)], 'simple-shuffle', 4_000);
      // Expected 3000 : 1000; a seeded run lands well inside +-5 %.
      expect(c.heavy).toBeGreaterThan(2_850);
      expect(c.heavy).toBeLessThan(3_150);
      expect((c.heavy ?? 0) + (c.light ?? 0)).toBe(4_000);
    });

    it('prefers weight over rpm and rpm over tpm when several are given', () => {
      const pool = [deployment('a', { weight: 1, rpm: 1, tpm: 1_000 }), deployment('b', { weight: 0, rpm: 1_000, tpm: 1 })];
      expect(counts(pool, 'simple-shuffle', 500)).toEqual({ a: 500 });
    });

    it('never picks a deployment of weight 0 while another has weight', () => {
      const c = counts([deployment('zero', { weight: 0 }), deployment('one', { weight: 1 })], 'simple-shuffle', 1_000);
      expect(c.zero).toBeUndefined();
    });

    it('spreads evenly when no deployment gives a weight', () => {
      const c = counts([deployment('a'), deployment('b'), deployment('c')], 'simple-shuffle', 3_000, 7);
      for (const id of ['a', 'b', 'c']) {
        expect(c[id]).toBeGreaterThan(900);
        expect(c[id]).toBeLessThan(1_100);
      }
    });
  });

  it('least-busy picks the deployment with the fewest requests in flight', () => {
    const h = health();
    const pool = [deployment('a'), deployment('b'), deployment('c')];
    h.begin('a');
    h.begin('a');
    h.begin('b');
    const endC = h.begin('c');
    h.begin('c');
    expect(pickDeployment(pool, 'least-busy', h, seededRandom(1))?.id).toBe('b');
    endC();
    // a: 2, b: 1, c: 1 -> a tie between b and c, broken by the random source.
    const seen = new Set<string>();
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) seen.add(pickDeployment(pool, 'least-busy', h, random)!.id);
    expect([...seen].sort()).toEqual(['b', 'c']);
  });

  it('latency-based-routing picks the lowest recent latency and tries an untried deployment first', () => {
    const h = health();
    const pool = [deployment('slow'), deployment('fast'), deployment('new')];
    h.recordSuccess('slow', 900);
    h.recordSuccess('fast', 100);
    expect(pickDeployment(pool, 'latency-based-routing', h, seededRandom(1))?.id).toBe('new');
    h.recordSuccess('new', 500);
    expect(pickDeployment(pool, 'latency-based-routing', h, seededRandom(1))?.id).toBe('fast');
  });

  it.each<RoutingStrategy>(['simple-shuffle', 'least-busy', 'latency-based-routing'])(
    '%s only considers the lowest order tier present',
    (strategy) => {
      const pool = [deployment('backup', { order: 2, weight: 100 }), deployment('primary', { order: 1 }), deployment('default-tier')];
      const c = counts(pool, strategy, 200);
      expect(c.backup).toBeUndefined();
      expect((c.primary ?? 0) + (c['default-tier'] ?? 0)).toBe(200);
      // With tier 1 gone (excluded or cooling down upstream of this function), tier 2 serves.
      expect(counts([deployment('backup', { order: 2 })], strategy, 10)).toEqual({ backup: 10 });
    },
  );
});
