import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import { FuseState } from '@electron/fuses/dist/constants.js';
import { describe, expect, it } from 'vitest';
import { FUSE_NAMES, REQUIRED_FUSES, compareFuses, fuseBinaryPath, readFuseWire } from '../../../main/app/fuse-wire.js';
import { STOCK_WIRE, flipWithLibrary, writeElectronBinary } from '../../support/fake-electron-binary.js';

const stockBinary = (wire: readonly number[] = STOCK_WIRE, version?: number) => {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-fuses-')), 'switchboard');
  writeElectronBinary(file, wire, version);
  return file;
};

/** REQUIRED_FUSES as @electron/fuses indexes them. */
const REQUIRED_BY_INDEX = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

describe('fuse-wire', () => {
  it('names every fuse the library knows, in wire order', () => {
    expect(FUSE_NAMES).toEqual([
      'runAsNode', 'enableCookieEncryption', 'enableNodeOptionsEnvironmentVariable', 'enableNodeCliInspectArguments',
      'enableEmbeddedAsarIntegrityValidation', 'onlyLoadAppFromAsar', 'loadBrowserProcessSpecificV8Snapshot', 'grantFileProtocolExtraPrivileges',
    ]);
  });

  it('reads back the fuses @electron/fuses flipped', async () => {
    const file = stockBinary();
    await flipWithLibrary(file, { [FuseV1Options.RunAsNode]: false, [FuseV1Options.OnlyLoadAppFromAsar]: true });
    expect(await readFuseWire(file)).toEqual({
      version: '1',
      fuses: {
        runAsNode: 'disabled', enableCookieEncryption: 'disabled', enableNodeOptionsEnvironmentVariable: 'enabled', enableNodeCliInspectArguments: 'enabled',
        enableEmbeddedAsarIntegrityValidation: 'disabled', onlyLoadAppFromAsar: 'enabled', loadBrowserProcessSpecificV8Snapshot: 'disabled', grantFileProtocolExtraPrivileges: 'enabled',
      },
    });
  });

  it('passes a binary with the required fuses flipped', async () => {
    const file = stockBinary();
    await flipWithLibrary(file, REQUIRED_BY_INDEX);
    expect(compareFuses(await readFuseWire(file), REQUIRED_FUSES)).toEqual([]);
  });

  it('names each fuse left at its unsafe default (an unflipped Electron)', async () => {
    expect(compareFuses(await readFuseWire(stockBinary()), REQUIRED_FUSES)).toEqual([
      'runAsNode is enabled, expected disabled',
      'enableCookieEncryption is disabled, expected enabled',
      'enableNodeOptionsEnvironmentVariable is enabled, expected disabled',
      'enableNodeCliInspectArguments is enabled, expected disabled',
      'enableEmbeddedAsarIntegrityValidation is disabled, expected enabled',
      'onlyLoadAppFromAsar is disabled, expected enabled',
      'grantFileProtocolExtraPrivileges is enabled, expected disabled',
    ]);
  });

  it('reports a fuse Electron removed, and one missing from a shorter (older) wire', async () => {
    const removed = [...STOCK_WIRE];
    removed[FuseV1Options.RunAsNode] = FuseState.REMOVED;
    expect(compareFuses(await readFuseWire(stockBinary(removed)), { runAsNode: false })).toEqual(['runAsNode is removed, expected disabled']);
    expect(compareFuses(await readFuseWire(stockBinary(STOCK_WIRE.slice(0, 2))), { onlyLoadAppFromAsar: true })).toEqual(['onlyLoadAppFromAsar is missing, expected enabled']);
  });

  it('refuses a wire version it does not understand', async () => {
    expect(compareFuses(await readFuseWire(stockBinary(STOCK_WIRE, 2)), REQUIRED_FUSES)).toEqual(['fuse wire version 2: only version 1 is understood']);
  });

  it('refuses a file without a fuse wire', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'switchboard-fuses-')), 'not-electron');
    writeFileSync(file, Buffer.alloc(4096));
    await expect(readFuseWire(file)).rejects.toThrow(/Could not find sentinel/);
  });

  it.each([
    ['darwin', join('/out', 'Switchboard.app')],
    ['mas', join('/out', 'Switchboard.app')],
    ['win32', join('/out', 'Switchboard.exe')],
    ['linux', join('/out', 'switchboard')],
  ] as const)('reads a %s build where electron-builder flips it: %s', (platform, path) => {
    expect(fuseBinaryPath('/out', platform, { productFilename: 'Switchboard', executableName: 'switchboard' })).toBe(path);
  });

  it('finds the fuses of a macOS build inside its Electron Framework, as flipFuses does', async () => {
    const out = mkdtempSync(join(tmpdir(), 'switchboard-fuses-'));
    writeElectronBinary(join(out, 'Switchboard.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework'));
    const app = fuseBinaryPath(out, 'darwin', { productFilename: 'Switchboard', executableName: 'switchboard' });
    await flipWithLibrary(app, REQUIRED_BY_INDEX);
    expect(compareFuses(await readFuseWire(app), REQUIRED_FUSES)).toEqual([]);
  });

  it('requires the fuses the issue names', () => {
    expect(REQUIRED_FUSES).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
