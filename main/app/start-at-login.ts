// "Start at login": Electron's login items on macOS and Windows, an XDG autostart entry
// (~/.config/autostart/switchboard.desktop) on Linux, where Electron has no login-item API.
// The platform API and the file system are passed in; never writes anywhere but that one file.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What app.setLoginItemSettings is given (Windows reads `path`, `args` and `name`; macOS none of them). */
export interface LoginItemSettings {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
  name?: string;
}

/** app.getLoginItemSettings / app.setLoginItemSettings, narrowed to what is used. */
export interface LoginItemApi {
  /** Windows matches the entry by `path` and `args`: they must be the ones it was set with. */
  getOpenAtLogin(query: { path?: string; args?: string[] }): boolean;
  setOpenAtLogin(settings: LoginItemSettings): void;
}

/** The Run-key value name on Windows: fixed, since it otherwise defaults to the AppUserModelId (the exe path in development). */
export const LOGIN_ITEM_NAME = 'Switchboard';

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
  /** False in development, where the executable is the stock Electron binary. */
  isPackaged: boolean;
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
  if (options.platform === 'darwin' && !options.isPackaged) {
    // The login item would be Electron.app, which opens Electron's default app, not Switchboard.
    return {
      isEnabled: () => false,
      setEnabled() {
        throw new Error('Start at login needs the packaged app on macOS: in development it would register the stock Electron app');
      },
    };
  }
  const query = options.platform === 'win32' ? windowsLoginItemQuery(options.executable, options.args) : {};
  return {
    isEnabled: () => options.loginItems.getOpenAtLogin(query),
    setEnabled(enabled) {
      options.loginItems.setOpenAtLogin(loginItemSettings(options.platform, enabled, query));
      return options.loginItems.getOpenAtLogin(query);
    },
  };
}

/**
 * Windows reads the Run-key entry back only with the same path and args it was set with
 * (development: electron.exe plus the app folder); an argument with a space must be quoted.
 */
export function windowsLoginItemQuery(executable: string, args: readonly string[]): { path: string; args: string[] } {
  return { path: executable, args: args.map(quoteWindowsArgument) };
}

export function loginItemSettings(platform: NodeJS.Platform, enabled: boolean, query: { path?: string; args?: string[] }): LoginItemSettings {
  if (platform !== 'win32') return { openAtLogin: enabled };
  return { openAtLogin: enabled, ...query, name: LOGIN_ITEM_NAME };
}

/** One command-line argument as Windows' CommandLineToArgvW reads it back. */
export function quoteWindowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  // Backslashes are literal except before a quote: double those, and the ones before the closing quote.
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}
