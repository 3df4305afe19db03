// Windows only: a hidden window that hears the session end. Windows does not emit before-quit at
// shutdown, restart or logoff; Electron reports them only as BrowserWindow events
// ('query-session-end', 'session-end'), and the dashboard window exists only while it is open.
// Loads no page, runs no script, is never shown.
import { BrowserWindow } from 'electron';

export function watchSessionEnd(handlers: { onQueryEnd(): void; onEnd(): void }): BrowserWindow {
  const window = new BrowserWindow({
    show: false,
    width: 1,
    height: 1,
    skipTaskbar: true,
    focusable: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
  });
  window.on('query-session-end', () => handlers.onQueryEnd());
  window.on('session-end', () => handlers.onEnd());
  return window;
}
