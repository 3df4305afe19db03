// A time as people say it ("3 min ago") with the exact time and zone on hover and keyboard focus
// (title, and tabIndex so a keyboard user reaches it); the machine-readable instant in dateTime.
import { formatDateTimeWithZone, formatRelativeTime } from '../format/format-date-time.js';

export interface RelativeTimeProps {
  value: string | number | null | undefined;
  /** Shown when there is no time. */
  empty?: string;
  now?: () => number;
}

export function RelativeTime({ value, empty = 'never', now = Date.now }: RelativeTimeProps) {
  const exact = formatDateTimeWithZone(value, '');
  if (exact === '') return <span className="muted">{empty}</span>;
  return (
    <time className="relative-time" dateTime={new Date(value as string | number).toISOString()} title={exact} aria-label={`${formatRelativeTime(value, now())}, ${exact}`} tabIndex={0}>
      {formatRelativeTime(value, now())}
    </time>
  );
}
