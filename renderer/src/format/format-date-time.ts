// Times for people, in the viewer's time zone: "2026-03-15 14:05:09", with the zone named where a
// time stands alone ("2026-03-15 14:05:09 GMT+1"), or relative ("3 min ago"); "never" for null.

const pad = (n: number) => String(n).padStart(2, '0');
const zoneName = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });

export function formatDateTime(value: string | number | null | undefined, empty = 'never'): string {
  const date = toDate(value);
  if (date === undefined) return empty;
  return `${formatDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** As formatDateTime, followed by the viewer's zone at that instant: "2026-03-15 14:05:09 UTC". */
export function formatDateTimeWithZone(value: string | number | null | undefined, empty = 'never'): string {
  const date = toDate(value);
  return date === undefined ? empty : `${formatDateTime(date.getTime())} ${timeZoneLabel(date)}`;
}

/** The viewer's zone at an instant, short: "UTC", "GMT+1", "PST". */
export function timeZoneLabel(date: Date): string {
  return zoneName.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'local time';
}

/** "just now", "3 min ago", "5 h ago", "2 days ago"; in the future "in 4 days". */
export function formatRelativeTime(value: string | number | null | undefined, now: number, empty = 'never'): string {
  const date = toDate(value);
  if (date === undefined) return empty;
  const delta = now - date.getTime();
  const ahead = delta < 0;
  const seconds = Math.abs(delta) / 1000;
  if (seconds < 45) return ahead ? 'in under a minute' : 'just now';
  const phrase = (n: number, unit: string, plural = `${unit}s`) => (ahead ? `in ${n} ${n === 1 ? unit : plural}` : `${n} ${n === 1 ? unit : plural} ago`);
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return phrase(minutes, 'min', 'min');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return phrase(hours, 'h', 'h');
  const days = Math.round(hours / 24);
  if (days < 60) return phrase(days, 'day');
  const months = Math.round(days / 30);
  if (months < 24) return phrase(months, 'month');
  return phrase(Math.round(days / 365), 'year');
}

/** YYYY-MM-DD in local time (also the value format of <input type="date">). */
export function formatDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function toDate(value: string | number | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
