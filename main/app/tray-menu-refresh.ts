// When the tray's menu is rebuilt, per platform, without Electron. Setting a new context menu
// closes one that is open (Windows, Linux), and today's counters change with every request, so:
// Windows builds the menu when it is opened (right-click) and never replaces it; Linux, whose
// StatusNotifierItem needs a menu set in advance, replaces it at once only when something besides
// the counters changed, and picks up new counters at most once a minute; macOS replaces it on
// every change (an open menu-bar menu stays open). Decides only.
import type { TrayState } from './tray-menu-template.js';

/** Linux: the slowest the "Today" line may lag behind. */
export const LINUX_COUNTER_REFRESH_MS = 60_000;

export type TrayMenuMode = 'build-on-open' | 'set-in-advance';

export function trayMenuMode(platform: NodeJS.Platform): TrayMenuMode {
  return platform === 'win32' ? 'build-on-open' : 'set-in-advance';
}

export type TrayMenuUpdate = { kind: 'rebuild' } | { kind: 'keep' } | { kind: 'rebuild-later'; inMs: number };

/**
 * What to do with a menu set in advance, built from `shown` `sinceBuiltMs` ago, now that the state
 * is `next`. 'rebuild-later' asks to be asked again after `inMs`.
 */
export function planTrayMenuUpdate(platform: NodeJS.Platform, shown: TrayState | null, next: TrayState, sinceBuiltMs: number): TrayMenuUpdate {
  if (trayMenuMode(platform) === 'build-on-open') return { kind: 'keep' };
  if (shown === null) return { kind: 'rebuild' };
  const { today: shownToday, ...shownRest } = shown;
  const { today: nextToday, ...nextRest } = next;
  if (JSON.stringify(shownRest) !== JSON.stringify(nextRest)) return { kind: 'rebuild' };
  if (JSON.stringify(shownToday) === JSON.stringify(nextToday)) return { kind: 'keep' };
  // The first read after a start (or the counters going away) is news, not a tick.
  if (platform !== 'linux' || shownToday === null || nextToday === null) return { kind: 'rebuild' };
  return sinceBuiltMs >= LINUX_COUNTER_REFRESH_MS ? { kind: 'rebuild' } : { kind: 'rebuild-later', inMs: LINUX_COUNTER_REFRESH_MS - sinceBuiltMs };
}
