import { describe, expect, it } from 'vitest';
import { KeyError } from '../../../main/keys/key-error.js';
import { addDuration, nextScheduledAfter, parseDuration } from '../../../main/keys/parse-duration.js';

const T0 = Date.UTC(2026, 0, 31, 10, 0, 0);

describe('parseDuration', () => {
  it.each([
    ['30s', { count: 30, unit: 's' }],
    ['30m', { count: 30, unit: 'm' }],
    ['30h', { count: 30, unit: 'h' }],
    ['30d', { count: 30, unit: 'd' }],
    ['2w', { count: 2, unit: 'w' }],
    ['1mo', { count: 1, unit: 'mo' }],
    [' 7d ', { count: 7, unit: 'd' }],
  ])('reads %j', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', '0d', '-1d', '30', 'd', '30 d', '30D', '1y', '1.5h', '30dd', '9999999d', 'forever'])('rejects %j with a KeyError', (text) => {
    expect(() => parseDuration(text, 'budget_duration')).toThrow(KeyError);
    expect(() => parseDuration(text, 'budget_duration')).toThrow(/budget_duration must look like/);
  });
});

describe('addDuration', () => {
  it.each([
    ['30s', T0 + 30_000],
    ['30m', T0 + 30 * 60_000],
    ['30h', T0 + 30 * 3_600_000],
    ['30d', T0 + 30 * 86_400_000],
    ['2w', T0 + 14 * 86_400_000],
    ['1mo', Date.UTC(2026, 1, 28, 10, 0, 0)], // Jan 31 + 1 month = Feb 28 (clamped)
    ['13mo', Date.UTC(2027, 1, 28, 10, 0, 0)],
  ])('adds %s', (text, expected) => {
    expect(addDuration(T0, parseDuration(text))).toBe(expected);
  });
});

describe('nextScheduledAfter', () => {
  it('keeps the rhythm of the schedule after a long idle period', () => {
    const day = parseDuration('1d');
    const scheduled = Date.UTC(2026, 2, 1, 0, 0, 0);
    expect(nextScheduledAfter(scheduled, day, scheduled + 10.5 * 86_400_000)).toBe(scheduled + 11 * 86_400_000);
    expect(nextScheduledAfter(scheduled, day, scheduled)).toBe(scheduled + 86_400_000);
    expect(nextScheduledAfter(scheduled, day, scheduled - 1)).toBe(scheduled);
  });

  it('counts months from the original date so the 31st does not drift to the 28th', () => {
    const month = parseDuration('1mo');
    expect(nextScheduledAfter(T0, month, Date.UTC(2026, 2, 1))).toBe(Date.UTC(2026, 2, 31, 10, 0, 0));
    expect(nextScheduledAfter(T0, month, Date.UTC(2029, 5, 15))).toBe(Date.UTC(2029, 5, 30, 10, 0, 0));
  });
});
