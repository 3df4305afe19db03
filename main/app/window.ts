// Electron glue for the dashboard window: one window, loading the dashboard from the gateway's
// own origin, held to window-options.ts (isolation) and navigation-policy.ts (where it may go).
// Closing it only hides the app from the taskbar: the gateway keeps running in the tray.
import { BrowserWindow, shell, type Session } from 'electron';
import { decideNavigation, decidePermission, decideWindowOpen, isSafeExternalUrl, type AppOrigin } from './navigation-policy.js';
import { assertSecureWebPreferences, buildWindowOptions, withDashboardCsp } from './window-options.js';

export interface DashboardWindow {
  /** Opens the window (or focuses it), showing `url`; reloads when the gateway moved to another origin. */
  show(url: string): void;
  /** When the window is open, loads `url` in it (the gateway came back, maybe on another port). */
  reloadIfOpen(url: string): void;
  /** True for the webContents of this window (IPC sender check). */
  isOwnWebContents(id: number): boolean;
  close(): void;
}

export interface DashboardWindowOptions {
  preloadPath: string;
  iconPath?: string;
  devTools: boolean;
  appOrigin(): AppOrigin;
  session: Session;
  onOpened?(): void;
  onClosed?(): void;
  log: { warn(details: object, message: string): void };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function openExternally(url: string, log: DashboardWindowOptions['log']): void {
  // Checked again here: only https ever reaches the OS URL handler.
  if (!isSafeExternalUrl(url)) return;
  shell.openExternal(url).catch((error: unknown) => log.warn({ err: error }, 'could not open a link in the browser'));
}

/** Session-wide policy, set once: permissions and the CSP backstop. */
export function hardenSession(session: Session, appOrigin: () => AppOrigin): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl, appOrigin()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => decidePermission(permission, requestingOrigin, appOrigin()));
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = withDashboardCsp(details.responseHeaders, details.url, appOrigin());
    callback(responseHeaders === undefined ? {} : { responseHeaders });
  });
}

export function createDashboardWindow(options: DashboardWindowOptions): DashboardWindow {
  let window: BrowserWindow | null = null;

  function create(url: string): BrowserWindow {
    const windowOptions = buildWindowOptions({
      preloadPath: options.preloadPath,
      devTools: options.devTools,
      ...(options.iconPath === undefined ? {} : { iconPath: options.iconPath }),
    });
    assertSecureWebPreferences(windowOptions.webPreferences);
    const created = new BrowserWindow({ ...windowOptions, webPreferences: { ...windowOptions.webPreferences, session: options.session } });
    const contents = created.webContents;

    contents.setWindowOpenHandler(({ url: target }) => {
      const decision = decideWindowOpen(target, options.appOrigin());
      if (decision.kind === 'open-in-app') void contents.loadURL(decision.url);
      if (decision.kind === 'open-external') openExternally(decision.url, options.log);
      return { action: 'deny' };
    });
    // Main-frame and subframe navigations, and server redirects: the app's origin only. A plain
    // https link clicked in the dashboard opens in the browser instead.
    contents.on('will-frame-navigate', (event) => {
      if (decideNavigation(event.url, options.appOrigin()) === 'allow') return;
      event.preventDefault();
      if (event.isMainFrame) openExternally(event.url, options.log);
    });
    contents.on('will-redirect', (event, target) => {
      if (decideNavigation(target, options.appOrigin()) !== 'allow') event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());

    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      window = null;
      options.onClosed?.();
    });
    void created.loadURL(url);
    options.onOpened?.();
    return created;
  }

  return {
    show(url) {
      if (window === null || window.isDestroyed()) {
        window = create(url);
        return;
      }
      // The gateway restarted on another port: the page's origin is gone, load the new one.
      if (originOf(window.webContents.getURL()) !== originOf(url)) void window.loadURL(url);
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    reloadIfOpen(url) {
      if (window !== null && !window.isDestroyed()) void window.loadURL(url);
    },
    isOwnWebContents: (id) => window !== null && !window.isDestroyed() && window.webContents.id === id,
    close() {
      if (window !== null && !window.isDestroyed()) window.close();
    },
  };
}
