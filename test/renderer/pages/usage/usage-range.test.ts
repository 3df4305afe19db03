import { describe, expect, it } from 'vitest';
import { resolveRange, utcDaysIn } from '../../../../renderer/src/pages/usage/usage-range.js';

const NOW = new Date(2026, 2, 15, 14, 30).getTime();
const DAY = 86_400_000;

describe('resolveRange', () => {
  it.each([
    ['7d', NOW - 7 * DAY],
    ['30d', NOW - 30 * DAY],
    ['90d', NOW - 90 * DAY],
    ['today', new Date(2026, 2, 15).getTime()],
  ] as const)('%s ends now', (preset, start) => {
    expect(resolveRange(preset, NOW, '', '')).toEqual({ start, end: NOW });
  });

  it('takes custom dates as whole local days, the last one included', () => {
    expect(resolveRange('custom', NOW, '2026-03-01', '2026-03-02')).toEqual({ start: new Date(2026, 2, 1).getTime(), end: new Date(2026, 2, 3).getTime() });
  });

  it('stops a custom range at now', () => {
    expect(resolveRange('custom', NOW, '2026-03-15', '2026-03-20')).toEqual({ start: new Date(2026, 2, 15).getTime(), end: NOW });
  });

  it.each([
    ['2026-03-05', '2026-03-01'],
    ['', '2026-03-01'],
    ['2026-13-45x', '2026-03-01'],
    ['2026-04-01', '2026-04-02'],
  ])('refuses from=%j to=%j', (from, to) => {
    expect(resolveRange('custom', NOW, from, to)).toHaveProperty('error');
  });
});

describe('utcDaysIn', () => {
  it('lists every UTC day the range touches', () => {
    expect(utcDaysIn({ start: Date.UTC(2026, 2, 1, 23), end: Date.UTC(2026, 2, 3, 1) })).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
  });
});
