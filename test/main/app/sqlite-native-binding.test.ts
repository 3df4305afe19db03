import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronNativeDir, sqliteNativeBinding } from '../../../main/app/sqlite-native-binding.js';

const where = { appRoot: '/src/switchboard', resourcesPath: '/opt/Switchboard/resources', platform: 'linux', arch: 'x64' } as const;

describe('sqlite-native-binding', () => {
  it('loads the Electron build the script wrote for this platform and arch when run from the checkout (npm run app)', () => {
    expect(sqliteNativeBinding({ ...where, isPackaged: false })).toBe(join('/src/switchboard', 'native', 'electron', 'linux-x64', 'better_sqlite3.node'));
    expect(sqliteNativeBinding({ ...where, isPackaged: false, platform: 'darwin', arch: 'arm64' })).toBe(join('/src/switchboard', 'native', 'electron', 'darwin-arm64', 'better_sqlite3.node'));
  });

  it('loads the copy shipped in the resources folder when packaged, never one from node_modules', () => {
    const packaged = sqliteNativeBinding({ ...where, isPackaged: true });
    expect(packaged).toBe(join('/opt/Switchboard/resources', 'native', 'better_sqlite3.node'));
    expect(packaged).not.toContain('node_modules');
  });

  it('keeps the builds of each platform and arch apart', () => {
    expect(electronNativeDir('/r', 'win32', 'arm64')).toBe(join('/r', 'native', 'electron', 'win32-arm64'));
  });
});
