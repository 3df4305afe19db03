import { describe, expect, it, vi } from 'vitest';
import { createStartAtLogin, linuxAutostartEntry, quoteExecArgument, type LoginItemApi } from '../../../main/app/start-at-login.js';

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

describe('start-at-login', () => {
  it('writes and removes an XDG autostart entry on Linux', () => {
    const { files, fs } = memoryFs();
    const items = loginItems();
    const login = createStartAtLogin({ platform: 'linux', loginItems: items, executable: '/opt/Switchboard/switchboard', args: [], configHome: '/home/u/.config', fs });
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
    const login = createStartAtLogin({ platform: 'darwin', loginItems: items, executable: '/Applications/Switchboard.app/Contents/MacOS/Switchboard', args: [], configHome: '/x' });
    expect(login.setEnabled(true)).toBe(true);
    expect(items.setOpenAtLogin).toHaveBeenCalledWith({ openAtLogin: true });
    expect(login.isEnabled()).toBe(true);
  });

  it('passes the executable and arguments on Windows (development runs electron.exe with the app folder)', () => {
    const items = loginItems();
    const login = createStartAtLogin({ platform: 'win32', loginItems: items, executable: 'C:\\dev\\electron.exe', args: ['C:\\dev\\switchboard'], configHome: '' });
    login.setEnabled(true);
    expect(items.setOpenAtLogin).toHaveBeenCalledWith({ openAtLogin: true, path: 'C:\\dev\\electron.exe', args: ['C:\\dev\\switchboard'] });
  });

  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArgument('/opt/Switchboard/switchboard')).toBe('/opt/Switchboard/switchboard');
    expect(quoteExecArgument('/home/u/My Apps/Switchboard.AppImage')).toBe('"/home/u/My Apps/Switchboard.AppImage"');
    expect(quoteExecArgument('/a/$HOME/`x`/"q"\\')).toBe('"/a/\\$HOME/\\`x\\`/\\"q\\"\\\\"');
    expect(quoteExecArgument('/a/100%')).toBe('/a/100%%');
    expect(linuxAutostartEntry('/usr/bin/electron', ['/src/switch board'])).toContain('Exec=/usr/bin/electron "/src/switch board"\n');
  });
});
