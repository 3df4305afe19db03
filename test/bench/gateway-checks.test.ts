import { describe, expect, it } from 'vitest';
import {
  evaluateChecks, GATEWAY_CHECKS, meets, REFERENCE_CHECKS, VARIANT_CHECKS, type Check, type Goal,
} from '../../bench/gateway-checks.js';
import { target } from './fake-measurements.js';

const direct = target('direct (mock)', 'direct', [{ p50: 0.1, requestsPerSecond: 20_000 }]);
const floor = target('floor proxy', 'floor', [{ p50: 0.3, requestsPerSecond: 10_000 }]);

/** A check that reports whatever the gateway's c1 p50 is, with the given goal. */
function p50Check(goal?: Goal): Check {
  return { metric: 'p50', unit: 'ms', floorColumn: true, measure: (t) => t.rounds.c1[0]?.p50, ...(goal ? { goal } : {}) };
}

describe('gateway-checks', () => {
  it.each([
    [0.3, '<=', 0.3, true],
    [0.31, '<=', 0.3, false],
    [75, '>=', 75, true],
    [74.9, '>=', 75, false],
    [49.9, '<', 50, true],
    [50, '<', 50, false],
    [1, '>', 0, true],
    [0, '>', 0, false],
  ] as const)('meets(%s, %s %s) is %s', (value, op, limit, expected) => {
    expect(meets(value, { op, limit })).toBe(expected);
  });

  it.each([
    ['PASS when the goal is met', 0.2, { op: '<=', limit: 0.3 }, 'PASS'],
    ['PASS on the limit itself', 0.3, { op: '<=', limit: 0.3 }, 'PASS'],
    ['MISS when it is not', 0.4, { op: '<=', limit: 0.3 }, 'MISS'],
    ['MISS below a floor', 70, { op: '>=', limit: 75 }, 'MISS'],
    ['n/a when the number is NaN', Number.NaN, { op: '<=', limit: 0.3 }, 'n/a'],
    ['n/a when the number is infinite', Number.POSITIVE_INFINITY, { op: '>=', limit: 75 }, 'n/a'],
    ['blank without a goal', 0.4, undefined, ''],
  ] as const)('a row is %s', (_name, p50, goal, result) => {
    const gateway = target('gateway', 'gateway', [{ p50 }]);
    const [row] = evaluateChecks([direct, floor, gateway], [p50Check(goal)]);
    expect(row?.result).toBe(result);
    expect(row?.value).toBe(Number.isFinite(p50) ? p50 : undefined);
  });

  it('measures the floor proxy the same way only where the check says it means something', () => {
    const gateway = target('gateway', 'gateway', [{ p50: 0.5 }]);
    const rows = evaluateChecks([direct, floor, gateway], [p50Check(), { ...p50Check(), metric: 'no floor', floorColumn: false }]);
    expect(rows.map((row) => row.floor)).toEqual([0.3, undefined]);
  });

  it.each([
    ['80 % of the floor proxy passes', [10_000, 12_000, 8_000], [8_000, 9_000, 6_800], 80, 'PASS'],
    ['70 % misses', [10_000], [7_000], 70, 'MISS'],
  ])('RPS c=16 vs floor proxy: %s (per-round ratios, then the median)', (_name, floorRps, gatewayRps, percent, result) => {
    const floorTarget = target('floor proxy', 'floor', floorRps.map((rps) => ({ requestsPerSecond: rps })));
    const directTarget = target('direct (mock)', 'direct', floorRps.map(() => ({ requestsPerSecond: 20_000 })));
    const gateway = target('gateway', 'gateway', gatewayRps.map((rps) => ({ requestsPerSecond: rps })));
    const row = evaluateChecks([directTarget, floorTarget, gateway]).find((r) => r.metric === 'RPS c=16 vs floor proxy');
    expect(row?.value).toBeCloseTo(percent, 10);
    expect(row?.goal).toEqual({ op: '>=', limit: 75 });
    expect(row?.result).toBe(result);
  });

  it('gives every gateway target its own block of rows, in target order, and none to the baselines', () => {
    const rows = evaluateChecks([direct, floor, target('a', 'gateway', [{}]), target('b', 'gateway', [{}])]);
    expect(rows.map((row) => row.scenario)).toEqual([...GATEWAY_CHECKS.map(() => 'a'), ...GATEWAY_CHECKS.map(() => 'b')]);
  });

  it('gives a variant the variant rows, named after the gateway it is compared against', () => {
    const plain = target('gateway', 'gateway', [{ p50: 0.5, requestsPerSecond: 5_000, cpuUsPerRequest: 200 }]);
    const variant = target('gateway + virtual key', 'gateway', [{ p50: 0.6, requestsPerSecond: 4_500, cpuUsPerRequest: 230 }], { comparedTo: 'gateway' });
    const rows = evaluateChecks([direct, floor, plain, variant]).filter((row) => row.scenario === 'gateway + virtual key');
    expect(rows.map((row) => row.metric)).toEqual([
      ...VARIANT_CHECKS.slice(0, VARIANT_CHECKS.length - REFERENCE_CHECKS.length).map((check) => check.metric),
      'RPS c=16 vs gateway',
      'added p50 latency over gateway, c=1',
      'added p50 latency over gateway, c=16',
      'CPU per request over gateway, c=16',
    ]);
    const value = (metric: string) => rows.find((row) => row.metric === metric)?.value;
    expect(value('RPS c=16 vs gateway')).toBeCloseTo(90, 10);
    expect(value('added p50 latency over gateway, c=1')).toBeCloseTo(0.1, 10);
    expect(value('CPU per request over gateway, c=16')).toBeCloseTo(30, 10);
    expect(value('RPS c=16 vs floor proxy')).toBeCloseTo(45, 10);
    expect(rows.find((row) => row.metric === 'RPS c=16 vs floor proxy')?.result).toBe('MISS');
  });

  it('keeps the issue goals in the variant rows it repeats', () => {
    const repeated = VARIANT_CHECKS.filter((check) => !REFERENCE_CHECKS.includes(check));
    expect(repeated.map((check) => check.metric)).toEqual([
      'added p50 latency, c=1', 'RPS c=16 vs floor proxy', 'CPU per request, c=16 (its own process)', 'added stream TTFB p50, c=1',
      "added stream TTFB p50, c=16, x the floor's", 'RSS after load',
    ]);
    expect(repeated.filter((check) => check.goal).length).toBe(5);
  });

  it.each([
    ['a target that is not loaded', 'missing'],
    ['itself', 'gateway + group'],
    ['a baseline', 'floor proxy'],
  ])('refuses a variant compared against %s', (_name, comparedTo) => {
    const variant = target('gateway + group', 'gateway', [{}], { comparedTo });
    expect(() => evaluateChecks([direct, floor, variant])).toThrow(/not another gateway target/);
  });

  it.each([
    ['direct', [floor, target('gateway', 'gateway', [{}])]],
    ['floor', [direct, target('gateway', 'gateway', [{}])]],
  ])('needs a %s baseline', (_name, targets) => {
    expect(() => evaluateChecks(targets)).toThrow(/direct and a floor target/);
  });
});
