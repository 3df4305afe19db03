// The packaging config as electron-builder reads it (its own schema validation, offline), the
// fuse check its afterPack/afterAllArtifactBuild hooks run, the ad-hoc re-sign of macOS builds,
// and the icons the app loads at run time.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('builds a dmg for Apple silicon and Intel, NSIS for Windows, the deb (recommended) and an AppImage for Linux', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.linux.target.map((t: { target: string }) => t.target)).toEqual(['deb', 'AppImage']);
  });

  it('never turns Chromium\'s sandbox off for the AppImage (the deb\'s AppArmor profile is the way on Ubuntu 24.04+)', () => {
    const text = readFileSync(file('electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/no-sandbox/);
    expect(config.appImage?.executableArgs).toBeUndefined();
    expect(config.linux?.executableArgs).toBeUndefined();
    // electron-builder's deb default: an after-install script that installs the AppArmor profile.
    expect(config.deb?.afterInstall).toBeUndefined();
    expect(readFileSync(require.resolve('app-builder-lib/templates/linux/after-install.tpl'), 'utf8')).toContain('/etc/apparmor.d/');
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

  it('unpacks keytar\'s and koffi\'s native modules from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/node_modules/keytar/**/*.node', '**/node_modules/@koromix/koffi-*/**/*.node']);
  });

  it('flips every required fuse and verifies them once every artifact is built, signed or not', () => {
    expect(config.electronFuses).toMatchObject(REQUIRED_FUSES);
    // afterSign is skipped when nothing was signed (every Linux build).
    expect(config.afterSign).toBeUndefined();
    expect(config.afterPack).toBe('./scripts/verify-fuses.mjs');
    expect(config.afterAllArtifactBuild).toBe('./scripts/verify-fuses.mjs');
  });

  it('ships the compiled main process, the dashboard and the icons the app loads', () => {
    const pkg = JSON.parse(readFileSync(file('package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/app/main.js');
    expect(existsSync(file('main/app/main.ts'))).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/main/**/*', 'dist/renderer/**/*', 'assets/tray/**/*', 'assets/icon.png']));
    for (const platform of ['mac', 'win', 'linux']) expect(existsSync(file(config[platform].icon))).toBe(true);
  });
});

describe('verify-fuses hooks', () => {
  // Loaded the way electron-builder loads hooks (its resolveFunction: the export named after the hook).
  const hook = async <T>(name: 'afterPack' | 'afterAllArtifactBuild') => {
    const { resolveFunction } = require('app-builder-lib/out/util/resolve.js') as { resolveFunction(type: unknown, executor: string, name: string, root: string): Promise<T> };
    const projectDir = new URL('.', root).pathname;
    return resolveFunction('module', join(projectDir, config[name] as string), name, projectDir);
  };
  type AfterPack = (context: unknown) => Promise<void> | void;
  type AfterAll = (result: unknown) => Promise<string[]>;
  const packContext = (appOutDir: string, electronPlatformName: string) => ({
    appOutDir,
    electronPlatformName,
    packager: { config: { electronFuses: config.electronFuses }, appInfo: { productFilename: 'Switchboard' }, executableName: 'switchboard' },
  });
  const buildResult = (outDir: string) => ({ outDir, artifactPaths: [], platformToTargets: new Map(), configuration: { electronFuses: config.electronFuses } });
  // electron-builder's own translation of electronFuses, then @electron/fuses' flip: what a real build runs.
  const flipAsBuilderDoes = async (path: string) => {
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<FuseConfig> } } };
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call(undefined, config.electronFuses);
    // The ad-hoc re-sign needs macOS' codesign; it has its own test below.
    await flipFuses(path, { ...fuseConfig, resetAdHocDarwinSignature: false });
  };

  it.each([
    ['linux', 'linux-unpacked', 'switchboard'],
    ['win32', 'win-unpacked', 'Switchboard.exe'],
    ['darwin', 'mac-arm64', join('Switchboard.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework')],
  ])('passes every %s app electron-builder packed and flipped', async (platform, folder, binary) => {
    const outDir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(outDir, folder, binary));
    await flipAsBuilderDoes(join(outDir, folder, platform === 'darwin' ? 'Switchboard.app' : binary));
    await (await hook<AfterPack>('afterPack'))(packContext(join(outDir, folder), platform));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await expect((await hook<AfterAll>('afterAllArtifactBuild'))(buildResult(outDir))).resolves.toEqual([]);
  });

  it('fails the build on a packed binary with stock fuses, naming it', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(outDir, 'linux-unpacked', 'switchboard'));
    await (await hook<AfterPack>('afterPack'))(packContext(join(outDir, 'linux-unpacked'), 'linux'));
    await expect((await hook<AfterAll>('afterAllArtifactBuild'))(buildResult(outDir)))
      .rejects.toThrow(`Fuses in ${join(outDir, 'linux-unpacked', 'switchboard')} are not as configured:\n  runAsNode is enabled, expected disabled`);
  });

  it('fails the build when no packed app was recorded (a check that checked nothing)', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    await expect((await hook<AfterAll>('afterAllArtifactBuild'))(buildResult(outDir))).rejects.toThrow('No packed app to check the fuses of');
  });

  it('refuses a config without electronFuses', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(outDir, 'linux-unpacked', 'switchboard'));
    await (await hook<AfterPack>('afterPack'))(packContext(join(outDir, 'linux-unpacked'), 'linux'));
    await expect((await hook<AfterAll>('afterAllArtifactBuild'))({ ...buildResult(outDir), configuration: {} })).rejects.toThrow('no electronFuses');
  });
});

describe('macOS builds without a certificate', () => {
  it('re-sign the app ad hoc right after the fuse flip, so Apple silicon launches it', async () => {
    // codesign exists only on macOS: a stand-in on PATH records how @electron/fuses calls it.
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-adhoc-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'codesign'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(dir, 'codesign-args')}"\n`, { mode: 0o755 });
    const app = join(dir, 'mac-arm64', 'Switchboard.app');
    writeElectronBinary(join(app, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'));
    const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<FuseConfig> } } };
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call(undefined, config.electronFuses);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await flipFuses(app, fuseConfig);
    } finally {
      process.env.PATH = path;
    }
    const args = readFileSync(join(dir, 'codesign-args'), 'utf8').trim().split('\n');
    expect(args.slice(0, 3)).toEqual(['--sign', '-', '--force']);
    expect(args.at(-1)).toBe(app);
    // Hardened runtime and entitlements survive the re-sign.
    expect(args).toContain('--preserve-metadata=entitlements,requirements,flags,runtime');
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
