import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../shared/format-usd.js';

describe('format-usd', () => {
  it.each([
    // Nothing spent.
    [0, '$0.00'],
    // Below a dollar: exact to the micro-dollar, trailing zeros dropped, at least two decimals.
    [1, '$0.000001'],
    [65, '$0.000065'],
    [420, '$0.00042'],
    [9_999, '$0.009999'],
    [10_000, '$0.01'],
    [12_300, '$0.0123'],
    [75_000, '$0.075'],
    [420_000, '$0.42'],
    [500_000, '$0.50'],
    [900_072, '$0.900072'],
    [999_999, '$0.999999'],
    // From a dollar up: cents, half away from zero, thousands grouped.
    [1_000_000, '$1.00'],
    [1_004_999, '$1.00'],
    [1_005_000, '$1.01'],
    [1_234_567, '$1.23'],
    [1_235_000, '$1.24'],
    [12_345_678, '$12.35'],
    [1_500_000_000, '$1,500.00'],
    [1_234_567_890_123, '$1,234,567.89'],
    // Refunds and corrections are negative; the sign goes before the dollar sign.
    [-2_500_000, '-$2.50'],
    [-1_005_000, '-$1.01'],
    [-65, '-$0.000065'],
    // A fraction of a micro-dollar (not stored, but computed values may carry one) rounds to one first.
    [0.5, '$0.000001'],
    [0.4, '$0.00'],
    [-0.4, '$0.00'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('shows %d micro-USD as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });
});
