// Reads Electron's fuse wire back out of a packaged binary, so a build can prove the fuses it
// meant to flip are flipped (security checklist S35). The wire is a sentinel string followed by
// a version byte, a length byte and one byte per fuse ('0' off, '1' on, 'r' removed). Pure:
// bytes in, findings out; the afterSign hook (scripts/verify-fuses.mjs) does the file reading.
import { join } from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** electron-builder's `electronFuses` names, in wire order (@electron/fuses FuseV1Options). */
export const FUSE_NAMES = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;

export type FuseName = (typeof FUSE_NAMES)[number];
export type FuseState = 'enabled' | 'disabled' | 'removed' | 'unknown';

/**
 * The fuses this app must ship with (issue 8): no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no
 * --inspect, asar integrity checked, app code only from the asar; also encrypted cookies and no
 * file:// privileges (the app never loads file:// pages).
 */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
} as const satisfies Partial<Record<FuseName, boolean>>;

export interface FuseWire {
  version: number;
  fuses: Partial<Record<FuseName, FuseState>>;
}

const STATE_BY_BYTE: Record<number, FuseState> = { 0x30: 'disabled', 0x31: 'enabled', 0x72: 'removed' };

/**
 * Every fuse wire in the binary: one, or two in a universal macOS binary (one per slice).
 * Throws when there is none (not an Electron binary, or older than Electron 12).
 */
export function readFuseWires(binary: Uint8Array): FuseWire[] {
  const buffer = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  const wires: FuseWire[] = [];
  let from = 0;
  for (;;) {
    const at = buffer.indexOf(FUSE_SENTINEL, from, 'latin1');
    if (at === -1) break;
    const position = at + FUSE_SENTINEL.length;
    const version = buffer[position];
    const length = buffer[position + 1];
    if (version === undefined || length === undefined || position + 2 + length > buffer.length) {
      throw new Error('The fuse wire is cut off: the binary is damaged');
    }
    const fuses: Partial<Record<FuseName, FuseState>> = {};
    FUSE_NAMES.forEach((name, index) => {
      if (index < length) fuses[name] = STATE_BY_BYTE[buffer[position + 2 + index]!] ?? 'unknown';
    });
    wires.push({ version, fuses });
    from = position + 2 + length;
  }
  if (wires.length === 0) throw new Error('No fuse wire found: not an Electron (12+) binary');
  return wires;
}

/** One line per fuse that differs from `expected`; empty when every wire matches. */
export function compareFuses(wires: readonly FuseWire[], expected: Partial<Record<FuseName, boolean>>): string[] {
  const problems: string[] = [];
  wires.forEach((wire, index) => {
    const where = wires.length > 1 ? ` (wire ${index + 1})` : '';
    if (wire.version !== 1) problems.push(`fuse wire version ${wire.version}${where}: only version 1 is understood`);
    for (const [name, want] of Object.entries(expected) as [FuseName, boolean][]) {
      const actual = wire.fuses[name];
      const wanted: FuseState = want ? 'enabled' : 'disabled';
      if (actual !== wanted) problems.push(`${name}${where} is ${actual ?? 'missing'}, expected ${wanted}`);
    }
  });
  return problems;
}

export type PackagedPlatform = 'darwin' | 'mas' | 'win32' | 'linux';

/** The file that holds the fuse wire in electron-builder's output folder for one platform. */
export function fuseBinaryPath(appOutDir: string, platform: PackagedPlatform, names: { productFilename: string; executableName: string }): string {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${names.productFilename}.app`, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
    case 'win32':
      return join(appOutDir, `${names.productFilename}.exe`);
    case 'linux':
      return join(appOutDir, names.executableName);
  }
}
