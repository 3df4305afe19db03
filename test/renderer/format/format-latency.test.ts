import { describe, expect, it } from 'vitest';
import { formatLatency } from '../../../renderer/src/format/format-latency.js';

describe('format-latency', () => {
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
