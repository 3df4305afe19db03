// The preload bridge's contract: the few named calls the dashboard may make to the main process,
// their channel names and their result types. Shared by preload.cts (types only: a sandboxed
// preload cannot load other files) and ipc-handlers.ts. There is no generic invoke(channel).

/** What the dashboard needs to call the management API as admin. */
export interface AdminSession {
  /** The gateway origin, e.g. `http://127.0.0.1:4141`. */
  gatewayUrl: string;
  /** The admin key to send as `Authorization: Bearer` (the configured one, or the app's own from the keychain). */
  adminKey: string;
}

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
export interface SwitchboardBridge {
  getAdminSession(): Promise<AdminSession>;
  getAppInfo(): Promise<AppInfo>;
  /** Opens an https URL in the default browser; resolves false for any other URL. */
  openExternal(url: string): Promise<boolean>;
  /** Resolves to the setting now in effect. */
  setStartAtLogin(enabled: boolean): Promise<boolean>;
}

export type BridgeCall = keyof SwitchboardBridge;

export const IPC_CHANNELS = {
  getAdminSession: 'switchboard:get-admin-session',
  getAppInfo: 'switchboard:get-app-info',
  openExternal: 'switchboard:open-external',
  setStartAtLogin: 'switchboard:set-start-at-login',
} as const satisfies Record<BridgeCall, `switchboard:${string}`>;

export type IpcChannel = (typeof IPC_CHANNELS)[BridgeCall];
