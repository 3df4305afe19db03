import { describe, expect, it } from 'vitest';
import { formatDateTimeWithZone, formatRelativeTime, timeZoneLabel } from '../../../renderer/src/format/format-date-time.js';

const NOW = Date.UTC(2026, 2, 15, 12, 0, 0);
const MIN = 60_000;

describe('format-date-time', () => {
  it.each([
    [NOW - 10_000, 'just now'],
    [NOW - 3 * MIN, '3 min ago'],
    [NOW - 59 * MIN, '59 min ago'],
    [NOW - 90 * MIN, '2 h ago'],
    [NOW - 23 * 60 * MIN, '23 h ago'],
    [NOW - 24 * 60 * MIN, '1 day ago'],
    [NOW - 3 * 24 * 60 * MIN, '3 days ago'],
    [NOW - 90 * 24 * 60 * MIN, '3 months ago'],
    [NOW + 30 * 24 * 60 * MIN, 'in 30 days'],
    [NOW + 10_000, 'in under a minute'],
    [null, 'never'],
    ['not a date', 'never'],
  ])('says %s as "%s" relative to now', (value, text) => {
    expect(formatRelativeTime(value, NOW)).toBe(text);
  });

  it('names the zone after an absolute time', () => {
    const text = formatDateTimeWithZone(NOW);
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+/);
    expect(text.endsWith(` ${timeZoneLabel(new Date(NOW))}`)).toBe(true);
    expect(formatDateTimeWithZone(null)).toBe('never');
  });
});
