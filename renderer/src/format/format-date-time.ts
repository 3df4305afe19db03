// Times for people, in the viewer's time zone: "2026-03-15 14:05:09", or "never" for null.

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDateTime(value: string | number | null | undefined, empty = 'never'): string {
  if (value === null || value === undefined) return empty;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return empty;
  return `${formatDate(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** YYYY-MM-DD in local time (also the value format of <input type="date">). */
export function formatDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
