// Electron glue for desktop notifications: shows what describeNotification says and reports a
// click back (to apply a start fix, or open the dashboard). Keeps each notification referenced
// until it is closed, because a collected Notification loses its click handler.
import { Notification } from 'electron';
import { describeNotification, type AppNotification } from './app-notifications.js';

export function createNotifier(options: { iconPath?: string; onClick(notification: AppNotification): void }): (notification: AppNotification) => void {
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
    shown.show();
  };
}
