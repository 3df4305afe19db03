import { describe, expect, it } from 'vitest';
import { formatSpend, formatUsd, formatUsdPrice } from '../../shared/format-usd.js';

describe('format-usd', () => {
  it.each([
    // No price behind the amount (a local model): free, not $0.00.
    [null, 'free'],
    [undefined, 'free'],
    // A priced model with nothing spent.
    [0, '$0.00'],
    // Tiny positive amounts: never "$0.00", never six decimals of noise.
    [1, '<$0.0001'],
    [65, '<$0.0001'],
    [99, '<$0.0001'],
    [99.4, '<$0.0001'],
    // Below a cent: two significant digits.
    [100, '$0.0001'],
    [123, '$0.00012'],
    [420, '$0.00042'],
    [996, '$0.001'],
    [4_200, '$0.0042'],
    [4_249, '$0.0042'],
    [4_250, '$0.0043'],
    [9_949, '$0.0099'],
    [9_999, '$0.01'],
    // From a cent up: cents, half away from zero, thousands grouped.
    [10_000, '$0.01'],
    [12_300, '$0.01'],
    [75_000, '$0.08'],
    [420_000, '$0.42'],
    [500_000, '$0.50'],
    [900_072, '$0.90'],
    [999_999, '$1.00'],
    [1_000_000, '$1.00'],
    [1_004_999, '$1.00'],
    [1_005_000, '$1.01'],
    [1_234_567, '$1.23'],
    [1_235_000, '$1.24'],
    [12_345_678, '$12.35'],
    [1_500_000_000, '$1,500.00'],
    [1_234_560_000, '$1,234.56'],
    [1_234_567_890_123, '$1,234,567.89'],
    // Refunds and corrections are negative; the sign goes first.
    [-2_500_000, '-$2.50'],
    [-1_005_000, '-$1.01'],
    [-4_200, '-$0.0042'],
    [-65, '-<$0.0001'],
    // A fraction of a micro-dollar (not stored, but computed values may carry one) rounds to one first.
    [0.5, '<$0.0001'],
    [0.4, '$0.00'],
    [-0.4, '$0.00'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('shows %s micro-USD as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });

  it.each([
    [0, '$0.00'],
    [75_000, '$0.075'],
    [150_000, '$0.15'],
    [2_500_000, '$2.50'],
    [18_750_000, '$18.75'],
    [Number.NaN, '—'],
  ])('shows the unit price %d micro-USD as %s, exact below a dollar', (micros, text) => {
    expect(formatUsdPrice(micros)).toBe(text);
  });

  it.each([
    [0, false, 'free'],
    [0, true, '$0.00'],
    // Money was charged, so it was not free whatever the model is now.
    [4_200, false, '$0.0042'],
    [4_200, true, '$0.0042'],
  ])('words %d micro-USD spent on a model priced=%s as %s', (micros, priced, text) => {
    expect(formatSpend(micros, priced)).toBe(text);
  });
});
