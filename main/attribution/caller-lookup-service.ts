// The caller lookups, on the gateway's worker thread (gateway-worker.ts): answers "which process
// owns the client end of this loopback connection" with the platform's synchronous lookup
// (find-socket-owner-for-platform.ts), plus the owner's ancestors when naming needs them (a helper
// named after its editor). Reads the OS tables only; never touches the database, the network or a
// request. Its client is caller-lookups.ts, over the port the attach message brought.
import type { MessagePort } from 'node:worker_threads';
import type { LoopbackConnection, SocketOwner } from './caller-process.js';
import { findSocketOwnerForPlatform, type PlatformProcessLookup } from './find-socket-owner-for-platform.js';
import { MAX_ANCESTORS, needsAncestors } from './name-caller-process.js';

export interface CallerLookupRequest {
  id: number;
  connection: LoopbackConnection;
}

export interface CallerLookupReply {
  id: number;
  owner: SocketOwner | null;
  /** Parent, grandparent, ... (nearest first), only when needsAncestors(owner). */
  ancestors: SocketOwner[];
  /** How long the lookup took on this thread, ms (a batch's time shared by its lookups), for the measured cost in docs/app-attribution.md. */
  tookMs: number;
}

/** Sent once, when the platform's lookup is loaded: lookups' deadlines start from here, not from the thread's start. */
export interface CallerLookupReady {
  ready: true;
}

/** The platform's lookup, loaded once per thread (every service attached to it shares it). */
let platformLoad: Promise<PlatformProcessLookup | null> | undefined;

/** Answers the lookups that arrive on `port` until it closes. */
export async function serveCallerLookups(port: MessagePort): Promise<void> {
  const platform = await (platformLoad ??= findSocketOwnerForPlatform());

  function ancestorsOf(owner: SocketOwner): SocketOwner[] {
    const read = platform?.readProcess;
    if (read === undefined || !needsAncestors(owner)) return [];
    const chain: SocketOwner[] = [];
    let ppid = owner.ppid;
    // pid 1 (init) and 0 end the chain; so does a loop (a pid seen twice).
    while (ppid !== undefined && ppid > 1 && chain.length < MAX_ANCESTORS && !chain.some((p) => p.pid === ppid)) {
      const parent = read(ppid);
      if (parent === null) break;
      chain.push(parent);
      ppid = parent.ppid;
    }
    return chain;
  }

  // Requests that arrive together (a burst of new connections) are answered from one read of the
  // tables and one fd scan: queued as they come, drained once the thread is free.
  let queue: CallerLookupRequest[] = [];
  let draining = false;

  function drain(): void {
    draining = false;
    const batch = queue;
    queue = [];
    const started = performance.now();
    let owners: (SocketOwner | null)[];
    try {
      const connections = batch.map((request) => request.connection);
      owners = platform === null ? batch.map(() => null)
        : platform.findSocketOwners ? platform.findSocketOwners(connections)
        : connections.map((connection) => platform.findSocketOwner(connection));
    } catch {
      // A table that changed under the reader or a process that vanished: not found, the User-Agent names it.
      owners = batch.map(() => null);
    }
    const tookMs = (performance.now() - started) / batch.length;
    batch.forEach((request, i) => {
      const owner = owners[i] ?? null;
      let ancestors: SocketOwner[] = [];
      try {
        if (owner !== null) ancestors = ancestorsOf(owner);
      } catch {
        ancestors = [];
      }
      port.postMessage({ id: request.id, owner, ancestors, tookMs } satisfies CallerLookupReply);
    });
  }

  port.on('message', (request: CallerLookupRequest) => {
    queue.push(request);
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
  });

  port.postMessage({ ready: true } satisfies CallerLookupReady);
}
