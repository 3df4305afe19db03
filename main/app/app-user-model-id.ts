// The Windows AppUserModelId: toasts are shown under it, with the icon of the Start-menu shortcut
// that carries the same id, and Action Center routes their clicks back through it. The NSIS
// installer gives that shortcut electron-builder's appId; without setAppUserModelId the process
// runs as Electron's default id and its toasts appear under a raw id, or not at all. Decides only.

/** electron-builder.yml's appId: the id the installer's shortcut carries. */
export const APP_ID = 'dev.switchboard.app';

/**
 * The id to pass to app.setAppUserModelId, or null where there is none to set (not Windows). In
 * development no shortcut carries APP_ID, so the executable's path is the id that works
 * (electron-builder's NSIS documentation).
 */
export function appUserModelId(options: { platform: NodeJS.Platform; isPackaged: boolean; execPath: string }): string | null {
  if (options.platform !== 'win32') return null;
  return options.isPackaged ? APP_ID : options.execPath;
}
