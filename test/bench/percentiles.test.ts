import { describe, expect, it } from 'vitest';
import { latencySummary, median, percentile } from '../../bench/percentiles.js';

const oneToTen = [10, 3, 7, 1, 9, 2, 8, 4, 6, 5];
const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe('percentiles', () => {
  it.each([
    ['no samples', [], 50, Number.NaN],
    ['one sample at p50', [5], 50, 5],
    ['one sample at p99', [5], 99, 5],
    ['p50 of 1..10 (nearest rank, not interpolated)', oneToTen, 50, 5],
    ['p90 of 1..10', oneToTen, 90, 9],
    ['p99 of 1..10 (the largest)', oneToTen, 99, 10],
    ['p99 of 1..100', oneToHundred, 99, 99],
    ['p0 (the smallest)', [3, 1, 2], 0, 1],
    ['p100 (the largest)', [3, 1, 2], 100, 3],
    ['p51 of two samples (rounds the rank up)', [1, 2], 51, 2],
  ])('percentile: %s', (_name, samples, p, expected) => {
    expect(percentile(samples, p)).toEqual(expected);
  });

  it('never reorders the samples it is given', () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    latencySummary(samples);
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it.each([
    ['1..100', oneToHundred, { p50: 50, p99: 99 }],
    ['one sample', [4], { p50: 4, p99: 4 }],
    ['no samples', [], { p50: Number.NaN, p99: Number.NaN }],
  ])('latencySummary gives p50 and p99 of %s', (_name, samples, expected) => {
    expect(latencySummary(samples)).toEqual(expected);
  });

  it.each([
    ['no values', [], Number.NaN],
    ['one value', [3], 3],
    ['an odd count (the middle one)', [5, 1, 3], 3],
    ['an even count (mean of the middle two)', [4, 1, 3, 2], 2.5],
    ['NaN rounds left out', [Number.NaN, 4, 2], 3],
    ['infinite rounds left out', [Number.POSITIVE_INFINITY, 1, 3], 2],
    ['only NaN', [Number.NaN, Number.NaN], Number.NaN],
    ['negative values', [-1, -3, -2], -2],
  ])('median of %s', (_name, values, expected) => {
    expect(median(values)).toEqual(expected);
  });
});
