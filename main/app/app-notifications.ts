// The desktop notifications the app shows, as data, and their wording. Pure: the Electron glue
// (notifier.ts) only displays what describeNotification returns and reports clicks back.
import type { BudgetAlert } from '../metering/budget-thresholds.js';
import { formatUsd } from '../../shared/format-usd.js';
import type { StartFailure, StartFailureFix } from './gateway-start-failure.js';
import type { TrayState } from './tray-menu-template.js';

export type AppNotification =
  | { kind: 'budget'; alert: BudgetAlert }
  | { kind: 'start-failed'; failure: StartFailure }
  | { kind: 'model-switched'; model: string }
  | { kind: 'switch-failed'; model: string; message: string }
  /** A program the gateway had never seen made its first call (switchable off in the tray menu). */
  | { kind: 'new-app'; app: string }
  /** The dashboard was asked for (the app launched again, the Dock icon) while the gateway is not running. */
  | { kind: 'not-running'; status: Exclude<TrayState['status'], 'running'>; message: string | null; fix: StartFailureFix | null };

export interface NotificationText {
  title: string;
  body: string;
}

export function describeNotification(notification: AppNotification): NotificationText {
  switch (notification.kind) {
    case 'budget': {
      const { alert } = notification;
      const spent = `${formatUsd(alert.spendMicros)} of ${formatUsd(alert.maxBudgetMicros)}`;
      if (alert.soft) {
        return alert.level === 100
          ? { title: `${alert.app} has reached its soft budget`, body: `${spent} spent. Requests are still served: a soft budget only warns.` }
          : { title: `${alert.app} has used 80% of its soft budget`, body: `${spent} spent.` };
      }
      return alert.level === 100
        ? { title: `${alert.app} has used its whole budget`, body: `${spent} spent. Its requests are refused until the budget resets or you raise it in the dashboard.` }
        : { title: `${alert.app} has used 80% of its budget`, body: `${spent} spent.` };
    }
    case 'start-failed': {
      const { failure } = notification;
      const fix = failure.fix === null ? ''
        : failure.fix.kind === 'use-port' ? ` Click to start on port ${failure.fix.port} instead.`
        : ' Click to open the config file.';
      return { title: 'Switchboard could not start', body: `${failure.message}${fix}` };
    }
    case 'model-switched':
      return { title: 'Active model switched', body: `Requests for "switchboard/active" now go to ${notification.model}.` };
    case 'switch-failed':
      return { title: 'Could not switch the model', body: `${notification.model}: ${notification.message}` };
    case 'new-app':
      return {
        title: `${notification.app} started using Switchboard`,
        body: 'Its requests show under this name in Usage and Logs. Click to open the dashboard, where the Apps page can give it a budget or limits.',
      };
    case 'not-running':
      switch (notification.status) {
        case 'paused':
          return { title: 'Switchboard is paused', body: 'Click to resume the gateway.' };
        case 'starting':
          return { title: 'Switchboard is starting', body: 'Try again in a moment.' };
        case 'stopping':
          return { title: 'Switchboard is stopping', body: 'Try again in a moment.' };
        case 'error': {
          const fix = notification.fix === null ? ' Click to try again.'
            : notification.fix.kind === 'use-port' ? ` Click to start on port ${notification.fix.port} instead.`
            : ' Click to open the config file.';
          return { title: 'Switchboard is not running', body: `${notification.message ?? 'The gateway failed to start.'}${fix}` };
        }
      }
  }
}

/**
 * What to say when the dashboard is asked for and cannot open: on a desktop without a tray (GNOME
 * without the AppIndicator extension) launching the app again is the only way in, and must not
 * do nothing. Null while the gateway runs.
 */
export function notRunningNotification(state: TrayState): AppNotification | null {
  if (state.status === 'running') return null;
  return { kind: 'not-running', status: state.status, message: state.error?.message ?? null, fix: state.error?.fix ?? null };
}
