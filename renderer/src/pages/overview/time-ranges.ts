// The time windows the Overview uses, in the viewer's local time: "today" starts at local
// midnight, "this week" is the last seven days up to now.

export const DAY_MS = 86_400_000;

export function startOfLocalDay(now: number): number {
  const date = new Date(now);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}
