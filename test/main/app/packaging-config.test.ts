// The packaging config as electron-builder reads it (its own schema validation, offline), the
// fuse check its afterSign hook runs, and the icons the app loads at run time.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { flipFuses, type FuseConfig } from '@electron/fuses';
import { REQUIRED_FUSES } from '../../../main/app/fuse-wire.js';
import { SQLITE_BINARY, electronNativeDir, sqliteNativeBinding } from '../../../main/app/sqlite-native-binding.js';
import { trayIconName, type GatewayStatus } from '../../../main/app/tray-menu-template.js';
import { writeElectronBinary } from '../../support/fake-electron-binary.js';

const root = new URL('../../../', import.meta.url);
const file = (path: string) => new URL(path, root);
const require = createRequire(import.meta.url);
const config = parse(readFileSync(file('electron-builder.yml'), 'utf8')) as Record<string, any>;

describe('packaging-config', () => {
  it('passes electron-builder\'s own schema validation', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    const projectDir = new URL('.', root).pathname;
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const loaded = await getConfig(projectDir, join(projectDir, 'electron-builder.yml'), null, () => Promise.resolve(JSON.parse(readFileSync(file('package.json'), 'utf8'))));
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
    // Loading electron-builder and its schema takes seconds on a busy 2-core machine: a time limit, not a timing assertion.
  }, 60_000);

  it('builds a dmg for Apple silicon and Intel, NSIS for Windows, AppImage and deb for Linux', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.linux.target.map((t: { target: string }) => t.target)).toEqual(['AppImage', 'deb']);
  });

  it('ships the Electron build of better-sqlite3 where the packaged app loads it, built before packing, and not Node\'s', () => {
    expect(config.beforePack).toBe('./scripts/electron-native.mjs');
    const shipped = (config.extraResources as { from: string; to: string }[]).find((r) => r.from.endsWith(SQLITE_BINARY))!;
    // The same layout the build script writes (${platform}-${arch} expanded by electron-builder) and the app reads.
    expect(shipped.from).toBe(join(electronNativeDir('.', '${platform}', '${arch}'), SQLITE_BINARY).split(sep).join('/'));
    expect(join('/resources', shipped.to)).toBe(sqliteNativeBinding({ isPackaged: true, appRoot: '/unused', resourcesPath: '/resources', platform: 'linux', arch: 'x64' }));
    // node_modules keeps Node's build (npm test): electron-builder must neither rebuild it in place nor ship it.
    expect(config.npmRebuild).toBe(false);
    expect(config.files).toContain('!**/node_modules/better-sqlite3/build/**');
  });

  it('unpacks keytar\'s native module from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/node_modules/keytar/**/*.node']);
  });

  it('flips every required fuse and verifies them after signing', () => {
    expect(config.electronFuses).toMatchObject(REQUIRED_FUSES);
    expect(config.afterSign).toBe('./scripts/verify-fuses.mjs');
  });

  it('ships the compiled main process, the dashboard and the icons the app loads', () => {
    const pkg = JSON.parse(readFileSync(file('package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/app/main.js');
    expect(existsSync(file('main/app/main.ts'))).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**/*', 'dist/renderer/**/*', 'assets/tray/**/*', 'assets/icon.png']));
    for (const platform of ['mac', 'win', 'linux']) expect(existsSync(file(config[platform].icon))).toBe(true);
  });
});

describe('verify-fuses hook', () => {
  // A plain .mjs file (electron-builder loads it as is); a variable keeps tsc from wanting types for it.
  const hookPath = '../../../scripts/verify-fuses.mjs';
  const hook = async () => ((await import(hookPath)) as { default: (context: unknown) => Promise<void> }).default;
  const context = (appOutDir: string) => ({
    appOutDir,
    electronPlatformName: 'linux',
    packager: { config: { electronFuses: config.electronFuses }, appInfo: { productFilename: 'Switchboard' }, executableName: 'switchboard' },
  });

  it('passes a binary whose fuses electron-builder flipped from electron-builder.yml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(dir, 'switchboard'));
    // electron-builder's own translation of electronFuses, then @electron/fuses' flip: what a real build runs.
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<FuseConfig> } } };
    await flipFuses(join(dir, 'switchboard'), await PlatformPackager.prototype.generateFuseConfig.call(undefined, config.electronFuses));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect((await hook())(context(dir))).resolves.toBeUndefined();
  });

  it('fails the build on a binary with stock fuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(dir, 'switchboard'));
    await expect((await hook())(context(dir))).rejects.toThrow(/runAsNode is enabled, expected disabled/);
  });

  it('refuses a config without electronFuses', async () => {
    await expect((await hook())({ ...context('/nowhere'), packager: { config: {}, appInfo: { productFilename: 'S' } } })).rejects.toThrow('no electronFuses');
  });
});

function pngSize(path: URL): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('assets', () => {
  it.each<GatewayStatus>(['running', 'paused', 'error', 'starting', 'stopping'])('has a tray icon for %s at 1x and 2x', (status) => {
    const name = trayIconName(status);
    expect(pngSize(file(`assets/tray/${name}.png`))).toEqual({ width: 16, height: 16 });
    expect(pngSize(file(`assets/tray/${name}@2x.png`))).toEqual({ width: 32, height: 32 });
  });

  it('has an app icon large enough for every installer (1024 px)', () => {
    expect(pngSize(file('assets/icon.png'))).toEqual({ width: 1024, height: 1024 });
  });
});
