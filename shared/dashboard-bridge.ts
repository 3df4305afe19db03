// The contract between the Electron preload script and the dashboard: the window exposes
// `window.switchboard` with one call that hands the renderer an admin session, so the desktop
// user never types the admin key. In a plain browser there is no bridge and the dashboard asks
// for the key. Never a generic invoke(channel): one named, argument-free call (S34).

export interface DashboardSession {
  /** The admin key for this window's session; null when the gateway runs without one. */
  adminKey: string | null;
  /** True in the desktop app (enables desktop-only settings such as start at login). */
  desktop: boolean;
}

export interface DashboardBridge {
  adminSession(): Promise<DashboardSession>;
}

/** The bridge when the page runs in the Electron window, else undefined. */
export function findDashboardBridge(scope: unknown): DashboardBridge | undefined {
  const candidate = (scope as { switchboard?: unknown } | undefined)?.switchboard;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const adminSession = (candidate as { adminSession?: unknown }).adminSession;
  return typeof adminSession === 'function' ? (candidate as DashboardBridge) : undefined;
}
