// The Usage page's time ranges: presets ending now, or whole local days picked by date. Pure,
// so the boundaries are unit-tested.
import { formatDate } from '../../format/format-date-time.js';

export const RANGE_PRESETS = ['today', '7d', '30d', '90d', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const RANGE_LABELS: Record<RangePreset, string> = {
  today: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom dates',
};

const DAY_MS = 86_400_000;

export interface TimeRange {
  start: number;
  end: number;
}

/** `from`/`to` are YYYY-MM-DD (local); `to` is inclusive. */
export function resolveRange(preset: RangePreset, now: number, from: string, to: string): TimeRange | { error: string } {
  switch (preset) {
    case 'today': {
      const start = new Date(now);
      start.setHours(0, 0, 0, 0);
      return { start: start.getTime(), end: now };
    }
    case '7d':
      return { start: now - 7 * DAY_MS, end: now };
    case '30d':
      return { start: now - 30 * DAY_MS, end: now };
    case '90d':
      return { start: now - 90 * DAY_MS, end: now };
    case 'custom': {
      const start = localMidnight(from);
      const last = localMidnight(to);
      if (start === undefined || last === undefined) return { error: 'Pick both dates.' };
      const endDate = new Date(last);
      endDate.setDate(endDate.getDate() + 1);
      const end = Math.min(endDate.getTime(), now);
      if (start >= end) return { error: 'The first date must be on or before the last one, and not in the future.' };
      return { start, end };
    }
  }
}

export function defaultCustomDates(now: number): { from: string; to: string } {
  return { from: formatDate(new Date(now - 6 * DAY_MS)), to: formatDate(new Date(now)) };
}

function localMidnight(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}

/** Every UTC day (YYYY-MM-DD) the range touches, for a day chart without gaps. */
export function utcDaysIn(range: TimeRange): string[] {
  const days: string[] = [];
  for (let t = Math.floor(range.start / DAY_MS) * DAY_MS; t < range.end && days.length < 400; t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
