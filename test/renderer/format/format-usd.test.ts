import { describe, expect, it } from 'vitest';
import { formatMicros, formatPerMillion, formatUsd } from '../../../renderer/src/format/format-usd.js';
import { formatLatency } from '../../../renderer/src/format/format-latency.js';

describe('formatUsd', () => {
  it.each([
    [0, '$0.00'],
    [0.000001, '$0.000001'],
    [0.000065, '$0.000065'],
    [0.0000004, '$0.000001'],
    [0.0123, '$0.0123'],
    [0.42, '$0.42'],
    [0.5, '$0.50'],
    [12.3, '$12.30'],
    [1234.5, '$1,234.50'],
    [-0.5, '-$0.50'],
    [Number.NaN, '—'],
  ])('%d is %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });

  it('reads integer micro-USD', () => {
    expect(formatMicros(65)).toBe('$0.000065');
  });

  it('shows per-token prices per million tokens', () => {
    expect(formatPerMillion(0.0000025)).toBe('$2.50 / 1M');
    expect(formatPerMillion(0.00000015)).toBe('$0.15 / 1M');
    expect(formatPerMillion(null)).toBe('—');
  });
});

describe('formatLatency', () => {
  it.each([
    [null, '—'],
    [20, '20 ms'],
    [1234, '1.23 s'],
    [12_345, '12.3 s'],
    [125_000, '2 min 5 s'],
  ])('%s is %s', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });
});
