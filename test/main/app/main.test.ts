// The entry's first moves, with 'electron' mocked: the data folder, the single-instance lock and
// the app-wide popup/webview backstop, before anything starts.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const app = {
    lock: true,
    listeners,
    isPackaged: true,
    setAppUserModelId: vi.fn(),
    setName: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn((name: string) => `/home/u/.config-${name}`),
    requestSingleInstanceLock: vi.fn(() => app.lock),
    quit: vi.fn(),
    // Never resolves: these tests stop before boot.
    whenReady: vi.fn(() => new Promise(() => undefined)),
    on: vi.fn((event: string, listener: (...args: unknown[]) => void) => void listeners.set(event, listener)),
  };
  return { app };
});

vi.mock('electron', () => ({ app: electron.app, clipboard: {}, dialog: {}, ipcMain: {}, session: {}, shell: {} }));

describe('main', () => {
  // The first import compiles the whole gateway: on a loaded 2-core machine that took longer than
  // a test's 5 s. Done once here, with room (a time limit, not a timing assertion).
  beforeAll(async () => {
    await import('../../../main/app/main.js');
  }, 120_000);

  beforeEach(() => {
    vi.resetModules();
    electron.app.listeners.clear();
    for (const fn of [electron.app.quit, electron.app.whenReady, electron.app.setPath, electron.app.setAppUserModelId]) fn.mockClear();
  });

  it('keeps its data in a "Switchboard" folder under the OS app-data folder', async () => {
    await import('../../../main/app/main.js');
    expect(electron.app.setName).toHaveBeenCalledWith('Switchboard');
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', join('/home/u/.config-appData', 'Switchboard'));
  });

  it('quits at once when another Switchboard holds the lock', async () => {
    electron.app.lock = false;
    await import('../../../main/app/main.js');
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });

  it('boots when it holds the lock', async () => {
    electron.app.lock = true;
    await import('../../../main/app/main.js');
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(electron.app.whenReady).toHaveBeenCalled();
  });

  it('denies popups and <webview> in every web contents the app creates', async () => {
    await import('../../../main/app/main.js');
    let openHandler: (() => unknown) | undefined;
    const attach = { preventDefault: vi.fn() };
    const contents = {
      setWindowOpenHandler: (handler: () => unknown) => (openHandler = handler),
      on: (event: string, listener: (e: unknown) => void) => event === 'will-attach-webview' && listener(attach),
    };
    electron.app.listeners.get('web-contents-created')!({}, contents);
    expect(openHandler!()).toEqual({ action: 'deny' });
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('gives the packaged app on Windows the appId as AppUserModelId, so its toasts show as Switchboard', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
    try {
      await import('../../../main/app/main.js');
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    expect(electron.app.setAppUserModelId).toHaveBeenCalledWith('dev.switchboard.app');
  });

  it('sets no AppUserModelId elsewhere', async () => {
    await import('../../../main/app/main.js');
    if (process.platform !== 'win32') expect(electron.app.setAppUserModelId).not.toHaveBeenCalled();
  });
});
