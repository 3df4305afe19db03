// Where the dashboard window may go: navigation and redirects stay on the gateway's own origin,
// new windows are never opened, and only https links leave the app (in the user's browser).
// Pure: takes URLs as strings, returns decisions; never touches Electron, never opens anything.
// Every URL is parsed with WHATWG URL and compared by origin, never by string prefix.

/** The gateway origin the window was loaded from, e.g. `http://127.0.0.1:4141`; null while it is not running. */
export type AppOrigin = string | null;

export type NavigationDecision = 'allow' | 'deny';

export type WindowOpenDecision =
  /** A link to the dashboard itself: load it in the existing window instead of a new one. */
  | { kind: 'open-in-app'; url: string }
  /** An https link: hand it to the default browser. */
  | { kind: 'open-external'; url: string }
  | { kind: 'deny' };

/** Longer URLs are refused outright: nothing legitimate in the dashboard links to one. */
export const MAX_URL_LENGTH = 2048;

function parse(url: string): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when `url` is on the app's own origin. The origin comparison covers scheme, host and
 * port; a URL with credentials (`http://127.0.0.1:4141@evil.example/` parses as host
 * evil.example, but `http://user@127.0.0.1:4141/` keeps the host) is refused anyway, since the
 * dashboard never builds one and it is a classic way to confuse a human reading the URL.
 */
export function isAppUrl(url: string, appOrigin: AppOrigin): boolean {
  if (appOrigin === null) return false;
  const parsed = parse(url);
  if (parsed === null || parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  return parsed.origin === appOrigin;
}

/** will-navigate / will-redirect / will-frame-navigate: the app's origin only. */
export function decideNavigation(url: string, appOrigin: AppOrigin): NavigationDecision {
  return isAppUrl(url, appOrigin) ? 'allow' : 'deny';
}

/**
 * A link the user may open in the default browser: https only (no http, file:, javascript:,
 * custom schemes that launch local programs such as `ms-msdt:` or `vscode:`), no credentials,
 * a real host name.
 */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url);
  if (parsed === null) return false;
  if (parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname.length > 0;
}

/** setWindowOpenHandler: a new BrowserWindow is never created. */
export function decideWindowOpen(url: string, appOrigin: AppOrigin): WindowOpenDecision {
  if (isAppUrl(url, appOrigin)) return { kind: 'open-in-app', url: new URL(url).href };
  if (isSafeExternalUrl(url)) return { kind: 'open-external', url: new URL(url).href };
  return { kind: 'deny' };
}

/**
 * Web permission requests (camera, geolocation, notifications, ...): the dashboard needs none
 * but writing to the clipboard (the "copy key" button) and fullscreen; both only for its own
 * origin. Everything else is refused.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function decidePermission(permission: string, requestingUrl: string, appOrigin: AppOrigin): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, appOrigin);
}
