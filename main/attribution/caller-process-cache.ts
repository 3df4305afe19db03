// A bounded LRU of named processes keyed by (pid, start time): a long-lived program that opens
// many connections is named once, and a pid the OS reused for another program (same pid, new
// start time) is a different key, so it is named again. Never holds more than `capacity` entries.
import type { CallerProcess, SocketOwner } from './caller-process.js';

export interface CallerProcessCache {
  get(owner: SocketOwner): CallerProcess | null | undefined;
  set(owner: SocketOwner, named: CallerProcess | null): void;
  size(): number;
}

export function createCallerProcessCache(capacity = 256): CallerProcessCache {
  const entries = new Map<string, CallerProcess | null>();
  // Without a start time (a platform that gives none) the pid alone could be stale: not cached.
  const keyOf = (owner: SocketOwner): string | undefined => (owner.startTime === undefined ? undefined : `${owner.pid}:${owner.startTime}`);
  return {
    get(owner) {
      const key = keyOf(owner);
      if (key === undefined || !entries.has(key)) return undefined;
      const named = entries.get(key)!;
      // Map order is insertion order: re-inserting marks it most recently used.
      entries.delete(key);
      entries.set(key, named);
      return named;
    },
    set(owner, named) {
      const key = keyOf(owner);
      if (key === undefined) return;
      entries.delete(key);
      entries.set(key, named);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
    },
    size: () => entries.size,
  };
}
