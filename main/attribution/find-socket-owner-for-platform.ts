// Picks the socket-owner lookup for this OS, on the gateway's worker thread. Linux reads /proc
// (linux-socket-owner.ts); macOS and Windows get theirs from darwin-socket-owner.ts and
// win32-socket-owner.ts (sysctl / iphlpapi through koffi). Any other OS: none, no worker
// is started, and every request is named by its User-Agent as before. Each lookup is loaded with
// import() only where it runs: the main thread's hasSocketOwnerLookup() loads none of them (an
// FFI library for another OS is never loaded), and the worker loads only its own OS's.
import type { FindSocketOwner, LoopbackConnection, SocketOwner } from './caller-process.js';

export interface PlatformProcessLookup {
  findSocketOwner: FindSocketOwner;
  /** Many at once (one read of the tables for a burst of connections); findSocketOwner per connection when absent. */
  findSocketOwners?: (connections: readonly LoopbackConnection[]) => (SocketOwner | null)[];
  /** A process by pid, for naming a helper after its ancestors; absent where the platform gives no parent chain. */
  readProcess?: (pid: number) => SocketOwner | null;
}

const LOOKUPS: Partial<Record<NodeJS.Platform, () => Promise<PlatformProcessLookup>>> = {
  linux: async () => (await import('./linux-socket-owner-on-this-machine.js')).linuxSocketOwnerOnThisMachine(),
  // Through koffi, loaded on first use (load-koffi.ts); no argv, parent or start time there, so
  // an interpreter is named by its executable and helpers are not walked up to their editor.
  darwin: async () => ({ findSocketOwner: (await import('./darwin-socket-owner.js')).createDarwinSocketOwner() }),
  win32: async () => ({ findSocketOwner: (await import('./win32-socket-owner.js')).createWin32SocketOwner() }),
};

/** Whether this OS has a lookup (the gateway starts no worker otherwise). Loads none of them. */
export function hasSocketOwnerLookup(platform: NodeJS.Platform = process.platform): boolean {
  return LOOKUPS[platform] !== undefined;
}

export async function findSocketOwnerForPlatform(platform: NodeJS.Platform = process.platform): Promise<PlatformProcessLookup | null> {
  return (await LOOKUPS[platform]?.()) ?? null;
}
