// The window glue with 'electron' mocked: the options it opens the window with, and that each
// navigation hook applies navigation-policy.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const electron = vi.hoisted(() => {
  class FakeWebContents {
    static nextId = 1;
    id = FakeWebContents.nextId++;
    url = '';
    listeners = new Map<string, Listener>();
    openHandler: ((details: { url: string }) => { action: string }) | undefined;
    loadURL = vi.fn(async (url: string) => {
      this.url = url;
    });
    getURL = () => this.url;
    on(event: string, listener: Listener) {
      this.listeners.set(event, listener);
      return this;
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.openHandler = handler;
    }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    webContents = new FakeWebContents();
    listeners = new Map<string, Listener>();
    destroyed = false;
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      FakeBrowserWindow.created.push(this);
    }
    loadURL = (url: string) => this.webContents.loadURL(url);
    on(event: string, listener: Listener) {
      this.listeners.set(event, listener);
      return this;
    }
    once(event: string, listener: Listener) {
      return this.on(event, listener);
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => false;
    restore = vi.fn();
    show = vi.fn();
    focus = vi.fn();
    close = vi.fn(() => {
      this.destroyed = true;
      this.listeners.get('closed')?.();
    });
  }
  return { FakeBrowserWindow, shell: { openExternal: vi.fn(async () => undefined) } };
});

vi.mock('electron', () => ({ BrowserWindow: electron.FakeBrowserWindow, shell: electron.shell }));

const { createDashboardWindow, hardenSession } = await import('../../../main/app/window.js');

const ORIGIN = 'http://127.0.0.1:4141';
const session = { id: 'default-session' };

function open(origin: string | null = ORIGIN) {
  const onClosed = vi.fn();
  const onOpened = vi.fn();
  const window = createDashboardWindow({
    preloadPath: '/app/dist/main/app/preload.cjs', devTools: false, appOrigin: () => origin,
    session: session as never, onClosed, onOpened, log: { warn: vi.fn() },
  });
  window.show(`${ORIGIN}/`);
  const created = electron.FakeBrowserWindow.created.at(-1)!;
  return { window, created, contents: created.webContents, onClosed, onOpened };
}

function navigationEvent(url: string, isMainFrame = true) {
  return { url, isMainFrame, preventDefault: vi.fn() };
}

describe('window', () => {
  beforeEach(() => {
    electron.FakeBrowserWindow.created = [];
    electron.shell.openExternal.mockClear();
  });

  it('opens the dashboard from the gateway origin with isolated, sandboxed preferences and our session', () => {
    const { created, contents, onOpened } = open();
    expect(created.options.webPreferences).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
      preload: '/app/dist/main/app/preload.cjs', session,
    });
    expect(contents.loadURL).toHaveBeenCalledWith(`${ORIGIN}/`);
    expect(onOpened).toHaveBeenCalled();
  });

  it('denies every new window; opens https links in the browser and own links in place', () => {
    const { contents } = open();
    expect(contents.openHandler!({ url: 'https://docs.litellm.ai/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://docs.litellm.ai/');
    expect(contents.openHandler!({ url: `${ORIGIN}/keys` })).toEqual({ action: 'deny' });
    expect(contents.loadURL).toHaveBeenLastCalledWith(`${ORIGIN}/keys`);
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it.each([
    [`${ORIGIN}/usage`, true, false, false],
    ['https://github.com/', true, true, true],
    ['https://evil.example/', false, true, false],
    ['http://evil.example/', true, true, false],
    ['file:///etc/passwd', true, true, false],
    ['http://127.0.0.1:4142/', true, true, false],
  ])('navigation to %s (main frame %s): prevented %s, opened in the browser %s', (url, isMainFrame, prevented, external) => {
    const { contents } = open();
    const event = navigationEvent(url, isMainFrame);
    contents.listeners.get('will-frame-navigate')!(event);
    expect(event.preventDefault).toHaveBeenCalledTimes(prevented ? 1 : 0);
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(external ? 1 : 0);
  });

  it('stops redirects off the app origin and refuses <webview>', () => {
    const { contents } = open();
    const away = { preventDefault: vi.fn() };
    contents.listeners.get('will-redirect')!(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { preventDefault: vi.fn() };
    contents.listeners.get('will-redirect')!(home, `${ORIGIN}/`);
    expect(home.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    contents.listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies all navigation while the gateway is down', () => {
    const { contents } = open(null);
    const event = navigationEvent(`${ORIGIN}/`);
    contents.listeners.get('will-frame-navigate')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('focuses the open window instead of opening a second, and follows the gateway to a new port', () => {
    const { window, created, contents } = open();
    window.show(`${ORIGIN}/`);
    expect(electron.FakeBrowserWindow.created).toHaveLength(1);
    expect(created.focus).toHaveBeenCalled();
    expect(contents.loadURL).toHaveBeenCalledTimes(1);
    window.show('http://127.0.0.1:4142/');
    expect(contents.loadURL).toHaveBeenLastCalledWith('http://127.0.0.1:4142/');
  });

  it('knows its own webContents (for the IPC sender check), and forgets it when closed', () => {
    const { window, contents, onClosed } = open();
    expect(window.isOwnWebContents(contents.id)).toBe(true);
    expect(window.isOwnWebContents(contents.id + 100)).toBe(false);
    window.close();
    expect(onClosed).toHaveBeenCalled();
    expect(window.isOwnWebContents(contents.id)).toBe(false);
    window.show(`${ORIGIN}/`);
    expect(electron.FakeBrowserWindow.created).toHaveLength(2);
  });

  it('reloads only an open window', () => {
    const { window, contents } = open();
    window.reloadIfOpen(`${ORIGIN}/`);
    expect(contents.loadURL).toHaveBeenCalledTimes(2);
    window.close();
    window.reloadIfOpen(`${ORIGIN}/`);
    expect(electron.FakeBrowserWindow.created).toHaveLength(1);
  });

  it('hardens the session: permissions by policy, CSP added to app responses', () => {
    const handlers: Record<string, Listener> = {};
    const fakeSession = {
      setPermissionRequestHandler: (h: Listener) => (handlers.request = h),
      setPermissionCheckHandler: (h: Listener) => (handlers.check = h),
      webRequest: { onHeadersReceived: (h: Listener) => (handlers.headers = h) },
    };
    hardenSession(fakeSession as never, () => ORIGIN);
    const granted = vi.fn();
    handlers.request!(null, 'media', granted, { requestingUrl: `${ORIGIN}/` });
    handlers.request!(null, 'clipboard-sanitized-write', granted, { requestingUrl: `${ORIGIN}/` });
    expect(granted.mock.calls).toEqual([[false], [true]]);
    expect(handlers.check!(null, 'geolocation', ORIGIN)).toBe(false);
    const done = vi.fn();
    handlers.headers!({ url: `${ORIGIN}/key/list`, responseHeaders: {} }, done);
    expect(done.mock.calls[0]![0].responseHeaders['Content-Security-Policy'][0]).toContain("default-src 'self'");
  });
});
