import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../../main/app/format-usd.js';

describe('format-usd', () => {
  it.each([
    [0, '$0.00'],
    [1, '$0.0001'],
    [49, '$0.0001'],
    [420, '$0.0004'],
    [9_999, '$0.0100'],
    [10_000, '$0.01'],
    [1_234_567, '$1.23'],
    [1_235_000, '$1.24'],
    [10_000_000, '$10.00'],
    [1_500_000_000, '$1,500.00'],
    [-2_500_000, '-$2.50'],
    [Number.NaN, '$?'],
  ])('formats %d micro-USD as %s', (micros, text) => {
    expect(formatUsd(micros)).toBe(text);
  });
});
