// What each tray menu item and notification click does, given the controller and a few platform
// calls (clipboard, opening the dashboard, opening a file, quitting) passed in. No Electron here;
// main.ts supplies the platform calls.
import type { AppController } from './app-controller.js';
import type { AppNotification } from './app-notifications.js';
import type { StartFailureFix } from './gateway-start-failure.js';
import { buildSetupSnippet } from './setup-snippet.js';
import type { TrayAction } from './tray-menu-template.js';

export interface TrayActionDeps {
  controller: Pick<AppController, 'state' | 'switchModel' | 'pause' | 'start' | 'usePort' | 'setStartAtLogin' | 'setNotifyNewApps'>;
  platform: NodeJS.Platform;
  writeClipboard(text: string): void;
  openDashboard(): void;
  /** Opens a file with its default application (the config file). */
  openPath(path: string): void;
  quit(): void;
  log: { warn(details: object, message: string): void };
}

export interface TrayActionHandler {
  onTrayAction(action: TrayAction): void;
  onNotificationClick(notification: AppNotification): void;
}

/** `http://127.0.0.1:4141`, from the state's address (known even while paused). */
export function gatewayOrigin(address: string): string {
  return `http://${address}`;
}

export function createTrayActionHandler(deps: TrayActionDeps): TrayActionHandler {
  const { controller } = deps;
  // Clicks cannot await: report failures to the log instead of leaving a rejected promise.
  const run = (what: string, promise: Promise<unknown>) => {
    promise.catch((error: unknown) => deps.log.warn({ err: error }, `${what} failed`));
  };

  function applyFix(fix: StartFailureFix): void {
    if (fix.kind === 'use-port') run('starting on another port', controller.usePort(fix.port));
    else deps.openPath(fix.file);
  }

  return {
    onTrayAction(action) {
      switch (action.type) {
        case 'switch-model':
          run('switching the model', controller.switchModel(action.model));
          return;
        case 'open-dashboard':
          deps.openDashboard();
          return;
        case 'copy-base-url':
          deps.writeClipboard(`${gatewayOrigin(controller.state().address)}/v1`);
          return;
        case 'copy-setup-snippet':
          deps.writeClipboard(buildSetupSnippet(gatewayOrigin(controller.state().address), deps.platform));
          return;
        case 'pause':
          run('pausing the gateway', controller.pause());
          return;
        case 'resume':
          run('starting the gateway', controller.start());
          return;
        case 'apply-fix':
          applyFix(action.fix);
          return;
        case 'set-start-at-login':
          controller.setStartAtLogin(action.enabled);
          return;
        case 'set-notify-new-apps':
          controller.setNotifyNewApps(action.enabled);
          return;
        case 'quit':
          deps.quit();
          return;
      }
    },
    onNotificationClick(notification) {
      switch (notification.kind) {
        case 'start-failed':
          if (notification.failure.fix !== null) applyFix(notification.failure.fix);
          return;
        case 'budget':
        case 'switch-failed':
        case 'new-app':
          deps.openDashboard();
          return;
        case 'model-switched':
          return;
        case 'not-running':
          if (notification.fix !== null) applyFix(notification.fix);
          else if (notification.status === 'paused' || notification.status === 'error') run('starting the gateway', controller.start());
          return;
      }
    },
  };
}
