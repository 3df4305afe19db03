// A stand-in for a packaged Electron binary's fuse wire, built from @electron/fuses' own sentinel
// and state bytes and flipped with its flipFuses (what electron-builder runs), so the fuse reader
// is tested against the library, never against constants of ours.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants.js';

/** The fuses as a stock Electron 41 ships them, in wire order (FuseV1Options). */
export const STOCK_WIRE: readonly FuseState[] = [
  FuseState.ENABLE, // RunAsNode
  FuseState.DISABLE, // EnableCookieEncryption
  FuseState.ENABLE, // EnableNodeOptionsEnvironmentVariable
  FuseState.ENABLE, // EnableNodeCliInspectArguments
  FuseState.DISABLE, // EnableEmbeddedAsarIntegrityValidation
  FuseState.DISABLE, // OnlyLoadAppFromAsar
  FuseState.DISABLE, // LoadBrowserProcessSpecificV8Snapshot
  FuseState.ENABLE, // GrantFileProtocolExtraPrivileges
];

/** Writes machine code's stand-in around one fuse wire: the sentinel, the wire version, its length, one byte per fuse. */
export function writeElectronBinary(file: string, wire: readonly number[] = STOCK_WIRE, version = Number(FuseVersion.V1)): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([Buffer.alloc(1000, 7), Buffer.from(SENTINEL, 'latin1'), Buffer.from([version, wire.length, ...wire]), Buffer.alloc(500, 9)]));
}

/** Flips fuses with @electron/fuses, the way electron-builder does; `path` as electron-builder passes it (the .app on macOS). */
export async function flipWithLibrary(path: string, fuses: Partial<Record<FuseV1Options, boolean>>): Promise<void> {
  await flipFuses(path, { version: FuseVersion.V1, ...fuses });
}
