// The desktop notifications the app shows, as data, and their wording. Pure: the Electron glue
// (notifier.ts) only displays what describeNotification returns and reports clicks back.
import type { BudgetAlert } from '../metering/budget-thresholds.js';
import { formatUsd } from '../../shared/format-usd.js';
import type { StartFailure } from './gateway-start-failure.js';

export type AppNotification =
  | { kind: 'budget'; alert: BudgetAlert }
  | { kind: 'start-failed'; failure: StartFailure }
  | { kind: 'model-switched'; model: string }
  | { kind: 'switch-failed'; model: string; message: string };

export interface NotificationText {
  title: string;
  body: string;
}

export function describeNotification(notification: AppNotification): NotificationText {
  switch (notification.kind) {
    case 'budget': {
      const { alert } = notification;
      const spent = `${formatUsd(alert.spendMicros)} of ${formatUsd(alert.maxBudgetMicros)}`;
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
  }
}
