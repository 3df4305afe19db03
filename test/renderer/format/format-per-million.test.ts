import { describe, expect, it } from 'vitest';
import { formatPerMillion } from '../../../renderer/src/format/format-per-million.js';

describe('format-per-million', () => {
  it.each([
    [0.0000025, '$2.50 / 1M'],
    [0.00000015, '$0.15 / 1M'],
    [0.000000075, '$0.075 / 1M'],
    [0.00001875, '$18.75 / 1M'],
    [0, '$0.00 / 1M'],
    [null, '—'],
    [undefined, '—'],
  ])('shows %s USD per token as %s', (usdPerToken, text) => {
    expect(formatPerMillion(usdPerToken)).toBe(text);
  });
});
