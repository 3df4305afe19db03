import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUSE_NAMES, FUSE_SENTINEL, REQUIRED_FUSES, compareFuses, fuseBinaryPath, readFuseWires, type FuseName } from '../../../main/app/fuse-wire.js';

/** A fake binary: junk, the sentinel, version 1, the wire length, one byte per fuse, junk. */
function binary(states: Partial<Record<FuseName, boolean | 'r'>>, copies = 1): Buffer {
  const wire = FUSE_NAMES.map((name) => {
    const state = states[name];
    return state === 'r' ? 0x72 : state === true ? 0x31 : 0x30;
  });
  const one = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, wire.length, ...wire])]);
  return Buffer.concat([Buffer.alloc(1000, 7), ...Array.from({ length: copies }, () => Buffer.concat([one, Buffer.alloc(500, 9)]))]);
}

describe('fuse-wire', () => {
  it('reads every fuse back from the wire', () => {
    const wires = readFuseWires(binary({ runAsNode: true, onlyLoadAppFromAsar: true, grantFileProtocolExtraPrivileges: 'r' }));
    expect(wires).toHaveLength(1);
    expect(wires[0]!.version).toBe(1);
    expect(wires[0]!.fuses).toMatchObject({ runAsNode: 'enabled', onlyLoadAppFromAsar: 'enabled', enableCookieEncryption: 'disabled', grantFileProtocolExtraPrivileges: 'removed' });
  });

  it('passes a binary with the required fuses flipped', () => {
    expect(compareFuses(readFuseWires(binary(REQUIRED_FUSES)), REQUIRED_FUSES)).toEqual([]);
  });

  it('names each fuse left at its unsafe default (an unflipped Electron)', () => {
    const stock = binary({ runAsNode: true, enableNodeOptionsEnvironmentVariable: true, enableNodeCliInspectArguments: true, grantFileProtocolExtraPrivileges: true });
    expect(compareFuses(readFuseWires(stock), REQUIRED_FUSES)).toEqual([
      'runAsNode is enabled, expected disabled',
      'enableCookieEncryption is disabled, expected enabled',
      'enableNodeOptionsEnvironmentVariable is enabled, expected disabled',
      'enableNodeCliInspectArguments is enabled, expected disabled',
      'enableEmbeddedAsarIntegrityValidation is disabled, expected enabled',
      'onlyLoadAppFromAsar is disabled, expected enabled',
      'grantFileProtocolExtraPrivileges is enabled, expected disabled',
    ]);
  });

  it('checks both slices of a universal macOS binary', () => {
    const first = binary(REQUIRED_FUSES);
    const second = binary({ ...REQUIRED_FUSES, runAsNode: true }).subarray(1000);
    const wires = readFuseWires(Buffer.concat([first, second]));
    expect(wires).toHaveLength(2);
    expect(compareFuses(wires, REQUIRED_FUSES)).toEqual(['runAsNode (wire 2) is enabled, expected disabled']);
  });

  it('reports a fuse missing from a shorter (older) wire', () => {
    const short = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, 2, 0x30, 0x31])]);
    expect(compareFuses(readFuseWires(short), { onlyLoadAppFromAsar: true })).toEqual(['onlyLoadAppFromAsar is missing, expected enabled']);
  });

  it('refuses a file without a fuse wire, or with a cut-off one', () => {
    expect(() => readFuseWires(Buffer.alloc(4096))).toThrow('No fuse wire');
    expect(() => readFuseWires(Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, 8, 0x30])]))).toThrow('cut off');
  });

  it.each([
    ['darwin', join('/out', 'Switchboard.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework')],
    ['mas', join('/out', 'Switchboard.app', 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework')],
    ['win32', join('/out', 'Switchboard.exe')],
    ['linux', join('/out', 'switchboard')],
  ] as const)('finds the fuse wire of a %s build at %s', (platform, path) => {
    expect(fuseBinaryPath('/out', platform, { productFilename: 'Switchboard', executableName: 'switchboard' })).toBe(path);
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
