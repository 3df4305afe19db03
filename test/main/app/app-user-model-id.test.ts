import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_ID, appUserModelId } from '../../../main/app/app-user-model-id.js';

describe('app-user-model-id', () => {
  it('is the appId the installer gives the Start-menu shortcut, in the packaged Windows app', () => {
    const config = parse(readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8')) as { appId: string };
    expect(APP_ID).toBe(config.appId);
    expect(appUserModelId({ platform: 'win32', isPackaged: true, execPath: 'C:\\Program Files\\Switchboard\\Switchboard.exe' })).toBe(config.appId);
  });

  it('is the executable\'s path in development on Windows, where no shortcut carries the appId', () => {
    expect(appUserModelId({ platform: 'win32', isPackaged: false, execPath: 'C:\\dev\\node_modules\\electron\\dist\\electron.exe' })).toBe('C:\\dev\\node_modules\\electron\\dist\\electron.exe');
  });

  it.each(['darwin', 'linux'] as const)('is not set on %s', (platform) => {
    expect(appUserModelId({ platform, isPackaged: true, execPath: '/x' })).toBeNull();
  });
});
