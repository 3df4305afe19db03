// Picks the socket-owner lookup for this OS, on the attribution worker thread. Linux reads /proc
// (linux-socket-owner.ts); macOS and Windows get theirs from darwin-socket-owner.ts and
// win32-socket-owner.ts, each one line in LOOKUPS once it exists. Any other OS: none, no worker
// is started, and every request is named by its User-Agent as before.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { FindSocketOwner, LoopbackConnection, SocketOwner } from './caller-process.js';
import { createLinuxSocketOwner } from './linux-socket-owner.js';

export interface PlatformProcessLookup {
  findSocketOwner: FindSocketOwner;
  /** Many at once (one read of the tables for a burst of connections); findSocketOwner per connection when absent. */
  findSocketOwners?: (connections: readonly LoopbackConnection[]) => (SocketOwner | null)[];
  /** A process by pid, for naming a helper after its ancestors; absent where the platform gives no parent chain. */
  readProcess?: (pid: number) => SocketOwner | null;
}

const LOOKUPS: Partial<Record<NodeJS.Platform, () => PlatformProcessLookup>> = {
  linux: () => createLinuxSocketOwner({
    uid: process.getuid?.() ?? -1,
    fs: {
      readFile: (path) => readFileSync(path, 'utf8'),
      readdir: (path) => readdirSync(path),
      readlink: (path) => readlinkSync(path),
      ownerUid: (path) => lstatSync(path).uid,
    },
  }),
  // darwin: () => ({ findSocketOwner: findSocketOwnerDarwin }),
  // win32: () => ({ findSocketOwner: findSocketOwnerWin32 }),
};

/** Whether this OS has a lookup (the gateway starts no worker otherwise). */
export function hasSocketOwnerLookup(platform: NodeJS.Platform = process.platform): boolean {
  return LOOKUPS[platform] !== undefined;
}

export function findSocketOwnerForPlatform(platform: NodeJS.Platform = process.platform): PlatformProcessLookup | null {
  return LOOKUPS[platform]?.() ?? null;
}
