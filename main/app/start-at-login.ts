// "Start at login": Electron's login items on macOS and Windows, an XDG autostart entry
// (~/.config/autostart/switchboard.desktop) on Linux, where Electron has no login-item API.
// The platform API and the file system are passed in; never writes anywhere but that one file.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** app.getLoginItemSettings / app.setLoginItemSettings, narrowed to what is used. */
export interface LoginItemApi {
  getOpenAtLogin(): boolean;
  setOpenAtLogin(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

export interface StartAtLogin {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): boolean;
}

export interface StartAtLoginOptions {
  platform: NodeJS.Platform;
  loginItems: LoginItemApi;
  /** The program to start: the AppImage (env APPIMAGE) or the app executable. */
  executable: string;
  /** Extra arguments: in development the app folder Electron must load. */
  args: readonly string[];
  /** Linux: the XDG config home (XDG_CONFIG_HOME or ~/.config). */
  configHome: string;
  fs?: { exists(path: string): boolean; write(path: string, text: string): void; remove(path: string): void };
}

export const AUTOSTART_FILE = 'switchboard.desktop';

/** A desktop-entry Exec argument, quoted per the Desktop Entry spec (reserved characters escaped). */
export function quoteExecArgument(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replaceAll('%', '%%');
  return `"${arg.replace(/(["`$\\])/g, '\\$1').replaceAll('%', '%%')}"`;
}

export function linuxAutostartEntry(executable: string, args: readonly string[]): string {
  const exec = [executable, ...args].map(quoteExecArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Switchboard',
    'Comment=Local LLM gateway',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

const nodeFs = {
  exists: (path: string) => existsSync(path),
  write: (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text, { mode: 0o644 });
  },
  remove: (path: string) => rmSync(path, { force: true }),
};

export function createStartAtLogin(options: StartAtLoginOptions): StartAtLogin {
  const fs = options.fs ?? nodeFs;
  if (options.platform === 'linux') {
    const file = join(options.configHome, 'autostart', AUTOSTART_FILE);
    return {
      isEnabled: () => fs.exists(file),
      setEnabled(enabled) {
        if (enabled) fs.write(file, linuxAutostartEntry(options.executable, options.args));
        else fs.remove(file);
        return fs.exists(file);
      },
    };
  }
  return {
    isEnabled: () => options.loginItems.getOpenAtLogin(),
    setEnabled(enabled) {
      // Windows needs the path and args when they differ from the running executable's defaults
      // (development: electron.exe plus the app folder); macOS ignores them.
      options.loginItems.setOpenAtLogin({
        openAtLogin: enabled,
        ...(options.platform === 'win32' ? { path: options.executable, args: [...options.args] } : {}),
      });
      return options.loginItems.getOpenAtLogin();
    },
  };
}
