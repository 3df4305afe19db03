// The preload bridge's contract: the few named calls the dashboard may make to the main process,
// their channel names and their result types. It extends the dashboard's own contract
// (shared/dashboard-bridge.ts: adminSession). Shared by preload.cts (types only: a sandboxed
// preload cannot load other files) and ipc-handlers.ts. There is no generic invoke(channel).
import type { DashboardBridge, DashboardSession } from '../../shared/dashboard-bridge.js';

/** What the dashboard needs to call the management API as admin: the key, and that it runs in the app. */
export type AdminSession = DashboardSession;

export interface AppInfo {
  version: string;
  platform: NodeJS.Platform;
  /** Where the database lives (the app's userData folder). */
  dataDir: string;
  /** The config file in use, or null for the built-in default. */
  configFile: string | null;
  logFile: string;
  startAtLogin: boolean;
}

/** Exposed to the dashboard as `window.switchboard`. */
export interface SwitchboardBridge extends DashboardBridge {
  /** The admin key (the configured one, or the app's own from the keychain) and `desktop: true`. */
  adminSession(): Promise<AdminSession>;
  getAppInfo(): Promise<AppInfo>;
  /** Opens an https URL in the default browser; resolves false for any other URL. */
  openExternal(url: string): Promise<boolean>;
  /** Resolves to the setting now in effect. */
  setStartAtLogin(enabled: boolean): Promise<boolean>;
}

export type BridgeCall = keyof SwitchboardBridge;

export const IPC_CHANNELS = {
  adminSession: 'switchboard:admin-session',
  getAppInfo: 'switchboard:get-app-info',
  openExternal: 'switchboard:open-external',
  setStartAtLogin: 'switchboard:set-start-at-login',
} as const satisfies Record<BridgeCall, `switchboard:${string}`>;

export type IpcChannel = (typeof IPC_CHANNELS)[BridgeCall];
