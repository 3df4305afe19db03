// The main thread's side of per-process attribution: one lookup per accepted loopback connection,
// started on the server's `connection` event and run by a service on the gateway's worker thread
// (caller-lookup-service.ts, gateway-worker-thread.ts), shared by every request on that connection
// (keep-alive amortises it).
// A request never waits for it: now() answers at once (undefined while it runs). Bounded: a
// lookup that takes longer than timeoutMs, or a worker that dies, gives null (the User-Agent then
// names the app); never an unhandled rejection, never a hang at shutdown (the worker is unref'd).
import type { Socket } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { createGatewayWorkerThread, type GatewayWorkerThread, type WorkerAttachment } from '../core/gateway-worker-thread.js';
import type { Log } from '../storage/log.js';
import type { CallerLookup, CallerProcess, LoopbackConnection } from './caller-process.js';
import { createCallerProcessCache } from './caller-process-cache.js';
import type { CallerLookupReady, CallerLookupReply, CallerLookupRequest } from './caller-lookup-service.js';
import { isLoopbackAddress } from './is-loopback-address.js';
import { nameCallerProcess } from './name-caller-process.js';

export interface CallerLookups {
  /** Starts the lookup of `socket`'s caller: once per socket, loopback peers only. */
  start(socket: Socket): void;
  /** The lookup for the connection a request came on (started now if start() missed it). */
  of(socket: Socket): CallerLookup;
  /** Ends the worker; lookups still running answer null. */
  close(): Promise<void>;
}

export interface CallerLookupsOptions {
  log: Log;
  /** Past this a lookup answers null (default 1 s), counted from when the worker runs. */
  timeoutMs?: number;
  /** A worker not running after this long counts as dead (default 10 s). */
  bootTimeoutMs?: number;
  /** The worker thread, shared with the gateway's other background services; one of its own by default. */
  thread?: GatewayWorkerThread;
  /** Without `thread`: the worker script (defaults to gatewayWorkerScript()). */
  script?: URL;
  /** Without `thread`: node flags for the worker (tests running TypeScript sources pass a loader). */
  execArgv?: string[];
  /** Named processes kept by (pid, start time). */
  cacheCapacity?: number;
  /** Worker deaths tolerated before attribution stops (every lookup null). */
  maxRestarts?: number;
  /**
   * Start the worker now rather than at the first connection: a program that connects, is
   * answered and exits within the worker's start-up would otherwise be gone before its lookup.
   */
  startNow?: boolean;
  /** Called with each lookup's time on the worker (ms): the cost measurement. */
  onLookupTime?: (ms: number) => void;
}

/** A lookup that is not attempted (not loopback, attribution off): the User-Agent names the app. */
export const NO_CALLER: CallerLookup = Object.freeze({ now: () => null, settle: () => Promise.resolve(null) });

interface PendingLookup extends CallerLookup {
  resolve(result: CallerProcess | null): void;
  /** Starts the lookup's own deadline (once the worker runs: its boot does not count against it). */
  arm(): void;
}

export function createCallerLookups(options: CallerLookupsOptions): CallerLookups {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const bootTimeoutMs = options.bootTimeoutMs ?? 10_000;
  const maxRestarts = options.maxRestarts ?? 3;
  const thread = options.thread ?? createGatewayWorkerThread(options);
  const cache = createCallerProcessCache(options.cacheCapacity);
  const lookups = new WeakMap<Socket, CallerLookup>();
  const pending = new Map<number, PendingLookup>();
  let worker: { attachment: WorkerAttachment; post(request: CallerLookupRequest): void } | null = null;
  /** The current service is running: lookups posted from now on get their deadline at once. */
  let online = false;
  let restarts = 0;
  let closed = false;
  let seq = 0;

  function startWorker(): NonNullable<typeof worker> | null {
    if (closed || restarts > maxRestarts) return null;
    const channel = new MessageChannel();
    let attachment: WorkerAttachment;
    try {
      attachment = thread.attach('caller-lookups', channel.port2);
    } catch (error) {
      restarts++;
      channel.port1.close();
      log.warn({ err: error }, 'The process attribution thread could not start; apps are named by their User-Agent.');
      return null;
    }
    const started = { attachment, post: (request: CallerLookupRequest) => channel.port1.postMessage(request) };
    // An idle gateway exits on its own signals: the port never keeps the process alive.
    channel.port1.unref();
    channel.port1.on('message', (reply: CallerLookupReply | CallerLookupReady) => {
      if ('ready' in reply) ready();
      else answer(reply);
    });
    const boot = setTimeout(() => died(new Error(`not running after ${bootTimeoutMs} ms`), true), bootTimeoutMs);
    boot.unref();
    // The thread may already run (the usage writer started it); the service's own message says it can answer.
    const ready = (): void => {
      clearTimeout(boot);
      if (worker !== started) return;
      online = true;
      for (const lookup of pending.values()) lookup.arm();
    };
    const died = (error: Error, hung = false): void => {
      clearTimeout(boot);
      if (worker !== started) return;
      worker = null;
      online = false;
      channel.port1.close();
      // A thread that never came up is ended (it may hold the other services hostage too); one that
      // exited is gone already.
      void (hung ? attachment.kill() : attachment.release());
      if (closed) return;
      restarts++;
      log.warn({ err: error, restarts, maxRestarts }, `The process attribution thread stopped (${error.message}); its lookups fall back to the User-Agent.`);
      failAll();
    };
    attachment.onExit((error) => died(error));
    return started;
  }

  function answer(reply: CallerLookupReply): void {
    const lookup = pending.get(reply.id);
    if (lookup === undefined) return;
    pending.delete(reply.id);
    // Deaths are counted in a row: a thread that answers again earns its restarts back.
    restarts = 0;
    options.onLookupTime?.(reply.tookMs);
    if (reply.owner === null) {
      lookup.resolve(null);
      return;
    }
    let named = cache.get(reply.owner);
    if (named === undefined) {
      named = nameCallerProcess(reply.owner, reply.ancestors);
      cache.set(reply.owner, named);
    }
    lookup.resolve(named === null ? null : { ...named, pid: reply.owner.pid, exePath: reply.owner.exePath });
  }

  function failAll(): void {
    const lost = [...pending.values()];
    pending.clear();
    for (const lookup of lost) lookup.resolve(null);
  }

  function begin(socket: Socket): CallerLookup {
    if (closed || !isLoopbackAddress(socket.remoteAddress)) return NO_CALLER;
    const connection: LoopbackConnection = {
      clientAddress: socket.remoteAddress!, clientPort: socket.remotePort ?? 0,
      serverAddress: socket.localAddress ?? '', serverPort: socket.localPort ?? 0,
    };
    if (connection.clientPort === 0 || connection.serverPort === 0) return NO_CALLER;
    worker ??= startWorker();
    if (worker === null) return NO_CALLER;
    const id = ++seq;
    const lookup = pendingLookup(timeoutMs, () => pending.delete(id));
    pending.set(id, lookup);
    worker.post({ id, connection });
    if (online) lookup.arm();
    return lookup;
  }

  if (options.startNow === true) worker = startWorker();

  return {
    start(socket) {
      if (!lookups.has(socket)) lookups.set(socket, begin(socket));
    },
    of(socket) {
      let lookup = lookups.get(socket);
      if (lookup === undefined) {
        lookup = begin(socket);
        lookups.set(socket, lookup);
      }
      return lookup;
    },
    async close() {
      closed = true;
      failAll();
      const ending = worker;
      worker = null;
      if (ending !== null) await ending.attachment.release();
    },
  };
}

/** A lookup answered once: by the worker, the timeout or shutdown, whichever comes first. */
function pendingLookup(timeoutMs: number, onSettled: () => void): PendingLookup {
  let result: CallerProcess | null | undefined;
  let waiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  return {
    arm() {
      if (timer !== undefined || result !== undefined) return;
      timer = setTimeout(() => this.resolve(null), timeoutMs);
      timer.unref();
    },
    now: () => result,
    settle(maxWaitMs) {
      if (result !== undefined) return Promise.resolve(result);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(result), maxWaitMs);
        timer.unref();
        waiters.push(() => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    resolve(answer) {
      if (result !== undefined) return;
      result = answer;
      clearTimeout(timer);
      onSettled();
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}
