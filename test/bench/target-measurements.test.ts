import { describe, expect, it } from 'vitest';
import { addedOver, addedRatio, medianOf, ratioTo, requestsSent } from '../../bench/target-measurements.js';
import { stats, target } from './fake-measurements.js';

describe('target-measurements', () => {
  it('medianOf takes the median across rounds of the picked value', () => {
    const t = target('gateway', 'gateway', [{ p50: 3 }, { p50: 1 }, { p50: 2 }]);
    expect(medianOf(t, 'c1', (s) => s.p50)).toBe(2);
  });

  it.each([
    // Per round: 1.5-1, 2.2-2, 9-1 = 0.5, 0.2, 8 -> median 0.5 (a median of differences, not a difference of medians: 1.5).
    ['per round, then the median', [{ p50: 1 }, { p50: 2 }, { p50: 1 }], [{ p50: 1.5 }, { p50: 2.2 }, { p50: 9 }], 0.5],
    ['negative when the target is faster', [{ p50: 2 }], [{ p50: 1.5 }], -0.5],
    ['rounds the base lacks are left out', [{ p50: 1 }], [{ p50: 1.25 }, { p50: 100 }], 0.25],
  ])('addedOver: %s', (_name, base, measured, expected) => {
    const value = addedOver(target('base', 'direct', base), target('t', 'gateway', measured), 'c1', (s) => s.p50);
    expect(value).toBeCloseTo(expected, 10);
  });

  it.each([
    ['per round, then the median', [1000, 2000, 4000], [800, 1400, 3200], 0.8],
    ['above 1 when the target is faster', [1000], [1100], 1.1],
    ['NaN without rounds', [], [], Number.NaN],
  ])('ratioTo: %s', (_name, base, measured, expected) => {
    const value = ratioTo(
      target('floor', 'floor', base.map((rps) => ({ requestsPerSecond: rps }))),
      target('gateway', 'gateway', measured.map((rps) => ({ requestsPerSecond: rps }))),
      'c16',
      (s) => s.requestsPerSecond,
    );
    if (Number.isNaN(expected)) expect(value).toBeNaN();
    else expect(value).toBeCloseTo(expected, 10);
  });

  it("addedRatio: the target's added time as a multiple of the other's, per round, then the median", () => {
    // Per round: (0.5-0.1)/(0.3-0.1) = 2, (0.4-0.2)/(0.4-0.2) = 1, (1.1-0.1)/(0.2-0.1) = 10 -> median 2.
    const direct = target('direct', 'direct', [{ ttfbP50: 0.1 }, { ttfbP50: 0.2 }, { ttfbP50: 0.1 }]);
    const floor = target('floor', 'floor', [{ ttfbP50: 0.3 }, { ttfbP50: 0.4 }, { ttfbP50: 0.2 }]);
    const gateway = target('gateway', 'gateway', [{ ttfbP50: 0.5 }, { ttfbP50: 0.4 }, { ttfbP50: 1.1 }]);
    expect(addedRatio(direct, floor, gateway, 'stream16', (s) => s.ttfbP50)).toBeCloseTo(2, 10);
    expect(addedRatio(direct, floor, target('g', 'gateway', []), 'stream16', (s) => s.ttfbP50)).toBeNaN();
  });

  it('requestsSent counts answered and failed requests of every shape and round', () => {
    expect(requestsSent({
      c1: [stats({ requests: 10, errors: 0 }), stats({ requests: 9, errors: 1 })],
      c16: [stats({ requests: 100, errors: 2 })],
      stream: [],
      stream16: [],
    })).toBe(122);
  });
});
