// The attribution worker thread: answers "which process owns the client end of this loopback
// connection" with the platform's synchronous lookup (find-socket-owner-for-platform.ts), plus
// the owner's ancestors when naming needs them (a helper named after its editor). Reads the OS
// tables only; never touches the database, the network or a request. Started by caller-lookups.ts.
import { parentPort } from 'node:worker_threads';
import type { LoopbackConnection, SocketOwner } from './caller-process.js';
import { findSocketOwnerForPlatform } from './find-socket-owner-for-platform.js';
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
  /** How long the lookup took on this thread, ms (for the measured cost in docs/app-attribution.md). */
  tookMs: number;
}

const platform = findSocketOwnerForPlatform();

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

parentPort?.on('message', (request: CallerLookupRequest) => {
  const started = performance.now();
  let owner: SocketOwner | null = null;
  let ancestors: SocketOwner[] = [];
  try {
    owner = platform?.findSocketOwner(request.connection) ?? null;
    if (owner !== null) ancestors = ancestorsOf(owner);
  } catch {
    // A table that changed under the reader or a process that vanished: not found, the User-Agent names it.
    owner = null;
  }
  const reply: CallerLookupReply = { id: request.id, owner, ancestors, tookMs: performance.now() - started };
  parentPort?.postMessage(reply);
});
