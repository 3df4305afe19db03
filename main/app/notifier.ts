// Electron glue for desktop notifications: shows what describeNotification says and reports a
// click back (to apply a start fix, or open the dashboard). Keeps each notification referenced
// until it is closed or fails, because a collected Notification loses its click handler.
import { Notification } from 'electron';
import { describeNotification, type AppNotification } from './app-notifications.js';

export interface NotifierOptions {
  iconPath?: string;
  onClick(notification: AppNotification): void;
  /** Windows reports a toast it could not show (no AppUserModelId, notifications off) as 'failed'. */
  log: { warn(details: object, message: string): void };
}

export function createNotifier(options: NotifierOptions): (notification: AppNotification) => void {
  const live = new Set<Notification>();
  return (notification) => {
    if (!Notification.isSupported()) return;
    const text = describeNotification(notification);
    const shown = new Notification({
      title: text.title,
      body: text.body,
      ...(options.iconPath === undefined ? {} : { icon: options.iconPath }),
      // The user just clicked the switch; a sound for it would be noise.
      silent: notification.kind === 'model-switched',
    });
    live.add(shown);
    shown.on('click', () => options.onClick(notification));
    shown.on('close', () => live.delete(shown));
    shown.on('failed', (_event, error) => {
      live.delete(shown);
      options.log.warn({ kind: notification.kind, error }, 'a notification could not be shown');
    });
    shown.show();
  };
}
