// The Electron main process: single-instance lock, the gateway started in-process (data under the
// app's userData folder), the tray, the dashboard window, the preload bridge's handlers and the
// notifications, wired together. Closing the window keeps the app (and the gateway) running;
// Quit stops the server, flushes usage and closes the database before the process exits, and a
// system shutdown does the same synchronously (quit-sequence.ts).
import { mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, clipboard, dialog, ipcMain, powerMonitor, session, shell } from 'electron';
import { createBatchedLogDestination } from '../batched-log-destination.js';
import { tuneGatewayMemory } from '../tune-gateway-memory.js';
import { createLogger } from '../create-logger.js';
import { createSecretRedactor } from '../metering/redact-secrets.js';
import { createKeytarSecretStore } from '../secrets/keytar-secret-store.js';
import { createAppController, startOfLocalDay, type AppController } from './app-controller.js';
import { notRunningNotification } from './app-notifications.js';
import { appUserModelId } from './app-user-model-id.js';
import { PREFERENCES_FILE, notifiesNewApps, readPreferences, updatePreferences } from './app-preferences.js';
import { createIpcHandlers, registerIpcHandlers } from './ipc-handlers.js';
import { launchGateway, resolveConfigFile, resolvePort } from './launch-gateway.js';
import { createNotifier } from './notifier.js';
import { createQuitSequence } from './quit-sequence.js';
import { watchSessionEnd } from './session-end-window.js';
import { createStartAtLogin } from './start-at-login.js';
import { sqliteNativeBinding } from './sqlite-native-binding.js';
import { createAppTray, type AppTray } from './tray.js';
import { createTrayActionHandler } from './tray-actions.js';
import { createDashboardWindow, hardenSession, type DashboardWindow } from './window.js';

const APP_NAME = 'Switchboard';
const moduleDir = dirname(fileURLToPath(import.meta.url));

// One folder per OS convention, named the same in development and in the packaged app
// (~/Library/Application Support/Switchboard, %APPDATA%\Switchboard, ~/.config/Switchboard).
// Set before the single-instance lock, which lives in this folder.
app.setName(APP_NAME);
app.setPath('userData', join(app.getPath('appData'), APP_NAME));

// Windows shows toasts under this id, with the icon of the Start-menu shortcut that carries it.
const userModelId = appUserModelId({ platform: process.platform, isPackaged: app.isPackaged, execPath: process.execPath });
if (userModelId !== null) app.setAppUserModelId(userModelId);

// Every window this app might ever create is denied popups and <webview>s, before any page loads.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

if (!app.requestSingleInstanceLock()) {
  // Another Switchboard runs: it receives 'second-instance' and opens its dashboard.
  app.quit();
} else {
  // The gateway runs in this process for as long as the app does: V8's heap and glibc's arenas
  // sized for it (issue 18; js-flags would reach renderers only).
  tuneGatewayMemory();
  app.whenReady().then(boot).catch((error: unknown) => {
    dialog.showErrorBox('Switchboard could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

function boot(): void {
  const userData = app.getPath('userData');
  const env = process.env;
  const logFile = join(userData, 'logs', 'switchboard.log');
  // The gateway adds the admin key and each provider key to the mask as it resolves them.
  const secretRedactor = createSecretRedactor();
  mkdirSync(dirname(logFile), { recursive: true });
  // Opened here, not by the sink: its lines are gathered (a blocking write per request line was the
  // event loop's cost under load) and pino's exit flush needs a descriptor that is already open.
  const logSink = createBatchedLogDestination({ fd: openSync(logFile, 'a'), minBytes: 8_192, maxDelayMs: 50 });
  const log = createLogger({ level: env.SWITCHBOARD_LOG_LEVEL || 'info', destination: logSink, mask: secretRedactor });
  const preferencesFile = join(userData, PREFERENCES_FILE);
  const preferences = readPreferences(preferencesFile);
  const configFile = resolveConfigFile(userData, env);
  const secrets = createKeytarSecretStore();
  const appRoot = app.getAppPath();
  const appIcon = join(appRoot, 'assets', 'icon.png');
  // better-sqlite3 built for Electron's ABI: node_modules holds Node's, which Electron refuses.
  const sqliteBinding = sqliteNativeBinding({
    isPackaged: app.isPackaged, appRoot, resourcesPath: process.resourcesPath, platform: process.platform, arch: process.arch,
  });
  const isMac = process.platform === 'darwin';
  // A tray app: no Dock icon unless the dashboard window is open.
  if (isMac) app.dock?.hide();

  const startAtLogin = createStartAtLogin({
    platform: process.platform,
    loginItems: {
      getOpenAtLogin: (query) => app.getLoginItemSettings(query).openAtLogin,
      setOpenAtLogin: (settings) => app.setLoginItemSettings(settings),
    },
    // An AppImage must be started through its own file, not the mounted copy.
    executable: env.APPIMAGE || process.execPath,
    args: app.isPackaged ? [] : [appRoot],
    isPackaged: app.isPackaged,
    configHome: env.XDG_CONFIG_HOME || join(app.getPath('home'), '.config'),
  });

  let actions: ReturnType<typeof createTrayActionHandler> | undefined;
  const notify = createNotifier({
    ...(isMac ? {} : { iconPath: appIcon }),
    onClick: (notification) => actions?.onNotificationClick(notification),
    log,
  });

  const controller: AppController = createAppController({
    launch: (port, events) => launchGateway({ dataDir: userData, configFile, env, log, secrets, secretRedactor, sqliteNativeBinding: sqliteBinding, onNewApp: events.onNewApp }, port),
    port: resolvePort(env, preferences.port),
    savePort: (port) => void updatePreferences(preferencesFile, { port }),
    startAtLogin,
    notifyNewApps: notifiesNewApps(preferences),
    saveNotifyNewApps: (enabled) => void updatePreferences(preferencesFile, { notifyNewApps: enabled }),
    notify,
    configFile,
    log,
    now: Date.now,
    startOfDay: startOfLocalDay,
    schedule: (tick, ms) => {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
  });
  const appOrigin = () => {
    const current = controller.session();
    return current === null ? null : new URL(current.gatewayUrl).origin;
  };

  hardenSession(session.defaultSession, appOrigin);
  const dashboard: DashboardWindow = createDashboardWindow({
    preloadPath: join(moduleDir, 'preload.cjs'),
    ...(isMac ? {} : { iconPath: appIcon }),
    devTools: !app.isPackaged,
    appOrigin,
    session: session.defaultSession,
    onOpened: () => void (isMac ? app.dock?.show() : undefined),
    onClosed: () => (isMac ? app.dock?.hide() : undefined),
    log,
  });
  const openDashboard = () => {
    const current = controller.session();
    if (current !== null) {
      dashboard.show(`${current.gatewayUrl}/`);
      return;
    }
    // Without a tray icon (GNOME without AppIndicator) this is the only answer the user gets.
    const notRunning = notRunningNotification(controller.state());
    if (notRunning !== null) notify(notRunning);
  };

  actions = createTrayActionHandler({
    controller,
    platform: process.platform,
    writeClipboard: (text) => clipboard.writeText(text),
    openDashboard,
    openPath: (path) => void shell.openPath(path),
    quit: () => app.quit(),
    log,
  });
  const tray: AppTray = createAppTray({
    iconDir: join(appRoot, 'assets', 'tray'),
    platform: process.platform,
    dispatch: (action) => actions?.onTrayAction(action),
    initial: controller.state(),
  });
  let lastStatus = controller.state().status;
  controller.subscribe((state) => {
    tray.update(state);
    // The gateway came back (resumed, or on another port): an open dashboard follows it.
    if (state.status === 'running' && lastStatus !== 'running') {
      const current = controller.session();
      if (current !== null) dashboard.reloadIfOpen(`${current.gatewayUrl}/`);
    }
    lastStatus = state.status;
  });

  registerIpcHandlers(ipcMain, createIpcHandlers({
    appOrigin,
    isOwnWebContents: (id) => dashboard.isOwnWebContents(id),
    adminKey: () => controller.session()?.adminKey ?? null,
    appInfo: () => ({ version: app.getVersion(), platform: process.platform, dataDir: userData, configFile, logFile, startAtLogin: controller.state().startAtLogin }),
    openExternal: (url) => shell.openExternal(url),
    setStartAtLogin: (enabled) => controller.setStartAtLogin(enabled),
    log,
  }));

  app.on('second-instance', openDashboard);
  // The window closing is not the app quitting: the gateway keeps serving from the tray.
  app.on('window-all-closed', () => undefined);
  app.on('activate', openDashboard);

  const quitSequence = createQuitSequence({
    stop: () => controller.stop(),
    stopNow: () => controller.stopNow(),
    flushNow: () => controller.flushNow(),
    hideUi: () => {
      dashboard.close();
      tray.destroy();
    },
    // Synchronous: app.exit follows at once, and the lines of the last 50 ms are waiting in the sink.
    finish: () => logSink.flushSync(),
    quit: () => app.quit(),
    exit: () => app.exit(0),
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
    log,
  });
  app.on('before-quit', (event) => {
    if (quitSequence.beforeQuit()) event.preventDefault();
  });
  // macOS and Linux: shutdown, restart or logout. Deferring it (as before-quit does) would make
  // macOS cancel the system's termination. electron.d.ts types this listener without the event
  // the documentation gives it, hence the rest parameter.
  powerMonitor.on('shutdown', (...args: unknown[]) => {
    (args[0] as { preventDefault(): void } | undefined)?.preventDefault();
    quitSequence.systemShutdown();
  });
  if (process.platform === 'win32') {
    watchSessionEnd({ onQueryEnd: () => quitSequence.sessionMayEnd(), onEnd: () => quitSequence.systemShutdown() });
  }
  process.once('SIGTERM', () => app.quit());
  process.once('SIGINT', () => app.quit());

  void controller.start().then(() => {
    // First run: show the dashboard once, so a new user sees where to begin.
    if (preferences.firstRunDone !== true && controller.state().status === 'running') {
      updatePreferences(preferencesFile, { firstRunDone: true });
      openDashboard();
    }
  });
}
