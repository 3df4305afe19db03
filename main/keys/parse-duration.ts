// parseDuration: LiteLLM's duration strings (`30s`, `30m`, `30h`, `30d`, `2w`, `1mo`) for key
// expiry and budget periods, and the date arithmetic on them (calendar months in UTC).
// Never accepts anything looser than `<count><unit>`: a typo must be an error, not "forever".
import { KeyError } from './key-error.js';

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'mo';

export interface Duration {
  count: number;
  unit: DurationUnit;
}

const FIXED_UNIT_MS: Record<Exclude<DurationUnit, 'mo'>, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDuration(text: string, param = 'duration'): Duration {
  const match = /^(\d{1,6})(s|m|h|d|w|mo)$/.exec(text.trim());
  const count = match ? Number(match[1]) : 0;
  if (!match || count < 1) {
    throw new KeyError('invalid_key_input', `${param} must look like 30s, 30m, 30h, 30d, 2w or 1mo (got ${JSON.stringify(text.slice(0, 40))}).`, param);
  }
  return { count, unit: match[2] as DurationUnit };
}

export function addDuration(fromMs: number, duration: Duration): number {
  if (duration.unit !== 'mo') return fromMs + duration.count * FIXED_UNIT_MS[duration.unit];
  return addMonthsUtc(fromMs, duration.count);
}

/** Jan 31 + 1mo = Feb 28/29 (clamped to the month's last day), time of day kept. */
function addMonthsUtc(fromMs: number, months: number): number {
  const date = new Date(fromMs);
  const targetMonth = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/**
 * The first point on the schedule `scheduledMs + k·duration` that is after `nowMs`, so a budget
 * keeps its rhythm (every 30 days from creation) even when nobody used the key for a while.
 */
export function nextScheduledAfter(scheduledMs: number, duration: Duration, nowMs: number): number {
  if (scheduledMs > nowMs) return scheduledMs;
  if (duration.unit !== 'mo') {
    const step = duration.count * FIXED_UNIT_MS[duration.unit];
    return scheduledMs + (Math.floor((nowMs - scheduledMs) / step) + 1) * step;
  }
  // Months vary in length: estimate k, then step. Each candidate is counted from scheduledMs
  // itself, so a Jan 31 schedule gives Feb 28, Mar 31 (no drift to the 28th).
  let k = Math.max(1, Math.floor((nowMs - scheduledMs) / (31 * FIXED_UNIT_MS.d * duration.count)));
  while (addMonthsUtc(scheduledMs, k * duration.count) <= nowMs) k++;
  return addMonthsUtc(scheduledMs, k * duration.count);
}
