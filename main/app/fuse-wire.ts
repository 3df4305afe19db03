// Reads Electron's fuses back out of a packaged binary with @electron/fuses, the library
// electron-builder flips them with, so a build can prove the fuses it meant to flip are flipped
// (security checklist S35). Holds no sentinel, byte value or wire layout of its own: a wrong
// constant here could otherwise pass against itself. The build hooks call it (scripts/packed-fuse-check.ts).
import { join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { FuseState as WireState } from '@electron/fuses/dist/constants.js';

/** electron-builder's `electronFuses` names: FuseV1Options' names with a lower-case first letter. */
export type FuseName = Uncapitalize<keyof typeof FuseV1Options>;
export type FuseState = 'enabled' | 'disabled' | 'removed' | 'unknown';

/** Every fuse this @electron/fuses knows, in wire order. */
export const FUSE_NAMES: readonly FuseName[] = Object.values(FuseV1Options)
  .filter((index): index is FuseV1Options => typeof index === 'number')
  .sort((a, b) => a - b)
  .map((index) => fuseName(index));

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
  version: string;
  fuses: Partial<Record<FuseName, FuseState>>;
}

/**
 * The fuse wire of the binary at `path` (the path electron-builder gives flipFuses: the `.app`
 * bundle on macOS, whose framework the library finds). Throws when the file has none (not an
 * Electron 12+ binary). flipFuses writes both slices of a universal macOS binary in one pass;
 * the library reads the first.
 */
export async function readFuseWire(path: string): Promise<FuseWire> {
  const { version, ...states } = await getCurrentFuseWire(path);
  const fuses: Partial<Record<FuseName, FuseState>> = {};
  for (const [index, state] of Object.entries(states) as [string, WireState | undefined][]) {
    // A fuse newer than this @electron/fuses has no name to check it by.
    if (FuseV1Options[Number(index)] !== undefined) fuses[fuseName(Number(index))] = describeState(state);
  }
  return { version, fuses };
}

/** One line per fuse that differs from `expected`; empty when the wire matches. */
export function compareFuses(wire: FuseWire, expected: Partial<Record<FuseName, boolean>>): string[] {
  if (wire.version !== '1') return [`fuse wire version ${wire.version}: only version 1 is understood`];
  const problems: string[] = [];
  for (const [name, want] of Object.entries(expected) as [FuseName, boolean][]) {
    const actual = wire.fuses[name];
    const wanted: FuseState = want ? 'enabled' : 'disabled';
    if (actual !== wanted) problems.push(`${name} is ${actual ?? 'missing'}, expected ${wanted}`);
  }
  return problems;
}

export type PackagedPlatform = 'darwin' | 'mas' | 'win32' | 'linux';

/** What electron-builder hands flipFuses for one platform (platformPackager addElectronFuses). */
export function fuseBinaryPath(appOutDir: string, platform: PackagedPlatform, names: { productFilename: string; executableName: string }): string {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${names.productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${names.productFilename}.exe`);
    case 'linux':
      return join(appOutDir, names.executableName);
  }
}

function fuseName(index: FuseV1Options): FuseName {
  const name = FuseV1Options[index];
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}` as FuseName;
}

function describeState(state: WireState | undefined): FuseState {
  switch (state) {
    case WireState.ENABLE:
      return 'enabled';
    case WireState.DISABLE:
      return 'disabled';
    case WireState.REMOVED:
      return 'removed';
    default:
      return 'unknown';
  }
}
