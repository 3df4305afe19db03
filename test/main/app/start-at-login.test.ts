import { describe, expect, it, vi } from 'vitest';
import { LOGIN_ITEM_NAME, createStartAtLogin, linuxAutostartEntry, quoteExecArgument, quoteWindowsArgument, type LoginItemApi, type LoginItemSettings } from '../../../main/app/start-at-login.js';

function memoryFs() {
  const files = new Map<string, string>();
  return { files, fs: { exists: (p: string) => files.has(p), write: (p: string, t: string) => void files.set(p, t), remove: (p: string) => void files.delete(p) } };
}

function loginItems(): LoginItemApi & { setOpenAtLogin: ReturnType<typeof vi.fn> } {
  let open = false;
  return {
    getOpenAtLogin: () => open,
    setOpenAtLogin: vi.fn((settings: { openAtLogin: boolean }) => {
      open = settings.openAtLogin;
    }),
  };
}

/**
 * Windows' login items as Electron documents them: one Run-key value per name, read back only
 * when the query's path and args (defaults: the running executable, no args) match what was set.
 */
function windowsLoginItems(execPath: string): LoginItemApi & { runKey: Map<string, { path: string; args: string[] }>; setOpenAtLogin: ReturnType<typeof vi.fn> } {
  const runKey = new Map<string, { path: string; args: string[] }>();
  return {
    runKey,
    getOpenAtLogin: (query) => [...runKey.values()].some((entry) => entry.path === (query.path ?? execPath) && JSON.stringify(entry.args) === JSON.stringify(query.args ?? [])),
    setOpenAtLogin: vi.fn((settings: LoginItemSettings) => {
      // Without a name the value is named after the AppUserModelId.
      const name = settings.name ?? 'electron.app.Switchboard';
      if (settings.openAtLogin) runKey.set(name, { path: settings.path ?? execPath, args: settings.args ?? [] });
      else runKey.delete(name);
    }),
  };
}

describe('start-at-login', () => {
  it('writes and removes an XDG autostart entry on Linux', () => {
    const { files, fs } = memoryFs();
    const items = loginItems();
    const login = createStartAtLogin({ platform: 'linux', loginItems: items, executable: '/opt/Switchboard/switchboard', args: [], isPackaged: true, configHome: '/home/u/.config', fs });
    expect(login.isEnabled()).toBe(false);
    expect(login.setEnabled(true)).toBe(true);
    expect(files.get('/home/u/.config/autostart/switchboard.desktop')).toContain('Exec=/opt/Switchboard/switchboard\n');
    expect(login.isEnabled()).toBe(true);
    expect(login.setEnabled(false)).toBe(false);
    expect(files.size).toBe(0);
    expect(items.setOpenAtLogin).not.toHaveBeenCalled();
  });

  it('uses Electron login items on macOS', () => {
    const items = loginItems();
    const login = createStartAtLogin({ platform: 'darwin', loginItems: items, executable: '/Applications/Switchboard.app/Contents/MacOS/Switchboard', args: [], isPackaged: true, configHome: '/x' });
    expect(login.setEnabled(true)).toBe(true);
    expect(items.setOpenAtLogin).toHaveBeenCalledWith({ openAtLogin: true });
    expect(login.isEnabled()).toBe(true);
  });

  it('never registers the stock Electron app as a login item on macOS in development', () => {
    const items = loginItems();
    const login = createStartAtLogin({ platform: 'darwin', loginItems: items, executable: '/dev/node_modules/electron/dist/Electron.app/Contents/MacOS/Electron', args: ['/dev/switchboard'], isPackaged: false, configHome: '/x' });
    expect(() => login.setEnabled(true)).toThrow('needs the packaged app on macOS');
    expect(items.setOpenAtLogin).not.toHaveBeenCalled();
    expect(login.isEnabled()).toBe(false);
  });

  it('on Windows in development registers electron.exe with the quoted app folder under a fixed name, and reads it back', () => {
    const execPath = 'C:\\Users\\Ann Lee\\dev\\node_modules\\electron\\dist\\electron.exe';
    const items = windowsLoginItems(execPath);
    const login = createStartAtLogin({ platform: 'win32', loginItems: items, executable: execPath, args: ['C:\\Users\\Ann Lee\\dev'], isPackaged: false, configHome: '' });
    expect(login.setEnabled(true)).toBe(true);
    expect(items.setOpenAtLogin).toHaveBeenCalledWith({ openAtLogin: true, path: execPath, args: ['"C:\\Users\\Ann Lee\\dev"'], name: LOGIN_ITEM_NAME });
    expect([...items.runKey.keys()]).toEqual([LOGIN_ITEM_NAME]);
    expect(login.isEnabled()).toBe(true);
    expect(login.setEnabled(false)).toBe(false);
    expect(items.runKey.size).toBe(0);
  });

  it('on Windows, packaged, registers the app itself and reads it back', () => {
    const execPath = 'C:\\Users\\ann\\AppData\\Local\\Programs\\Switchboard\\Switchboard.exe';
    const items = windowsLoginItems(execPath);
    const login = createStartAtLogin({ platform: 'win32', loginItems: items, executable: execPath, args: [], isPackaged: true, configHome: '' });
    expect(login.setEnabled(true)).toBe(true);
    expect(login.isEnabled()).toBe(true);
  });

  it.each([
    ['C:\\dev\\switchboard', 'C:\\dev\\switchboard'],
    ['C:\\My Apps\\switchboard', '"C:\\My Apps\\switchboard"'],
    ['C:\\My Apps\\', '"C:\\My Apps\\\\"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['', '""'],
  ])('quotes the Windows argument %s as %s', (arg, quoted) => {
    expect(quoteWindowsArgument(arg)).toBe(quoted);
  });

  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArgument('/opt/Switchboard/switchboard')).toBe('/opt/Switchboard/switchboard');
    expect(quoteExecArgument('/home/u/My Apps/Switchboard.AppImage')).toBe('"/home/u/My Apps/Switchboard.AppImage"');
    expect(quoteExecArgument('/a/$HOME/`x`/"q"\\')).toBe('"/a/\\$HOME/\\`x\\`/\\"q\\"\\\\"');
    expect(quoteExecArgument('/a/100%')).toBe('/a/100%%');
    expect(linuxAutostartEntry('/usr/bin/electron', ['/src/switch board'])).toContain('Exec=/usr/bin/electron "/src/switch board"\n');
  });
});
