// The dashboard window's options and the Content-Security-Policy it is held to. The
// webPreferences here are the isolation boundary between the dashboard (web content) and the
// main process (keys, files): the window glue refuses to open a window whose preferences weaken
// any of them. Pure: only a type is imported from 'electron'.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { DASHBOARD_CSP } from '../gateway/routes/dashboard-routes.js';

/**
 * The preferences that must hold, with the value each must have. Absent keys fall back to
 * Electron's defaults, which differ across versions, so every one is set explicitly.
 */
export const REQUIRED_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  enableWebSQL: false,
  safeDialogs: true,
} as const satisfies WebPreferences;

export type RequiredWebPreference = keyof typeof REQUIRED_WEB_PREFERENCES;

/** Keys that switch on extra (unvetted) Blink features; any value at all weakens the page. */
const FORBIDDEN_WEB_PREFERENCES = ['enableBlinkFeatures', 'additionalArguments'] as const;

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (preload.cjs). */
  preloadPath: string;
  /** Window icon (Linux, Windows); macOS uses the app bundle's icon. */
  iconPath?: string;
  /** Whether the developer tools may be opened (development builds only). */
  devTools: boolean;
}

export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions & { webPreferences: WebPreferences } {
  return {
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Switchboard',
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(input.iconPath === undefined ? {} : { icon: input.iconPath }),
    webPreferences: {
      ...REQUIRED_WEB_PREFERENCES,
      preload: input.preloadPath,
      devTools: input.devTools,
      spellcheck: false,
    },
  };
}

/**
 * The names of every preference that is weaker than required (or sets a forbidden key). Empty
 * means the window may be opened.
 */
export function findWeakenedWebPreferences(preferences: WebPreferences): string[] {
  const weakened: string[] = [];
  for (const [name, required] of Object.entries(REQUIRED_WEB_PREFERENCES)) {
    if ((preferences as Record<string, unknown>)[name] !== required) weakened.push(name);
  }
  for (const name of FORBIDDEN_WEB_PREFERENCES) {
    if (preferences[name] !== undefined) weakened.push(name);
  }
  return weakened;
}

export function assertSecureWebPreferences(preferences: WebPreferences): void {
  const weakened = findWeakenedWebPreferences(preferences);
  if (weakened.length > 0) {
    throw new Error(`Refusing to open a window with weakened isolation: ${weakened.join(', ')}`);
  }
}

/**
 * The dashboard's CSP (security checklist S34) is the one the gateway sends with the dashboard
 * (no remote images, so model output cannot exfiltrate through an `<img src>`); the window adds
 * it to any response from the app origin that lacks one, so a route that forgets it is covered.
 */
export { DASHBOARD_CSP };

export type ResponseHeaders = Record<string, string[]>;

/**
 * For session.webRequest.onHeadersReceived: adds DASHBOARD_CSP to responses from the app origin
 * that carry no CSP of their own. A CSP the gateway already sends is left alone (two policies
 * would both apply, and the gateway's is the one the dashboard is built against).
 */
export function withDashboardCsp(headers: ResponseHeaders | undefined, url: string, appOrigin: string | null): ResponseHeaders | undefined {
  if (appOrigin === null) return headers;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return headers;
  }
  if (origin !== appOrigin) return headers;
  const existing = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'content-security-policy');
  if (existing) return headers;
  return { ...headers, 'Content-Security-Policy': [DASHBOARD_CSP] };
}
