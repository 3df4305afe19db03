// The main thread's side of the gateway's one worker thread (gateway-worker.ts), which hosts the
// background services that must not run on the event loop: the usage ledger's SQLite writer and
// the per-connection caller lookups. One thread, not one each: every Node worker is an isolate of
// its own, about 9 MB of RSS before it does anything (issue 18: the gateway's RSS after the bench's
// load 124 MB with two, 115 MB without the second). Each service is attached over a MessagePort of
// its own, so the two protocols never meet; the thread starts at the first attach, is started
// again by the next attach after it died, and ends when the last service is released.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort, type Transferable } from 'node:worker_threads';
import { workerHeapSetUp } from './worker-heap-set-up.js';

/** What the thread is asked to run, on the port it is given (gateway-worker.ts). */
export type GatewayWorkerService = 'usage-batches' | 'caller-lookups';

/** The message that attaches a service: its name, the port it talks on and its own settings. */
export interface AttachMessage {
  service: GatewayWorkerService;
  port: MessagePort;
  data?: unknown;
}

/** One service's hold on the thread. */
export interface WorkerAttachment {
  /** Called once if the thread dies (crash, heap limit, killed) while this attachment holds it. */
  onExit(listener: (error: Error) => void): void;
  /** Gives the thread up; the last release ends it. */
  release(): Promise<void>;
  /** Ends the thread now, for every service on it (a thread that never came up, fault tests). */
  kill(): Promise<void>;
}

export interface GatewayWorkerThread {
  /** Runs `service` on the thread (started now if none runs), talking over `port` (transferred). */
  attach(service: GatewayWorkerService, port: MessagePort, data?: unknown, transferList?: Transferable[]): WorkerAttachment;
}

export interface GatewayWorkerThreadOptions {
  /** The worker script; defaults to gatewayWorkerScript(). */
  script?: URL;
  /** Node flags for the worker (tests running TypeScript sources pass a loader). */
  execArgv?: string[];
}

/**
 * Where the worker script (main/gateway-worker.ts) is, from this module: the CLI's one-file bundle
 * (ES module or CommonJS, dist/main/switchboard.{mjs,cjs}) has the bundled worker beside it; the
 * compiled modules (the desktop app, dist/main/core/) have gateway-worker.js one directory up; the
 * sources (tests) have the .ts, which needs a TypeScript loader in execArgv.
 */
export function gatewayWorkerScript(moduleUrl: string = import.meta.url): URL {
  if (moduleUrl.endsWith('.ts')) return new URL('../gateway-worker.ts', moduleUrl);
  if (moduleUrl.endsWith('.mjs') || moduleUrl.endsWith('.cjs')) {
    const bundled = new URL('./gateway-worker.mjs', moduleUrl);
    if (existsSync(fileURLToPath(bundled))) return bundled;
  }
  return new URL('../gateway-worker.js', moduleUrl);
}

/**
 * How long start() waits for the worker to say its heap is set up. A worker boots in 20-45 ms
 * here; past this the gateway goes on without it (the cap is then put back at 'online').
 */
const HEAP_SET_UP_WAIT_MS = 1_000;

/**
 * What the worker script does first (gateway-worker.ts): says its heap is set up, which it is once
 * any of its JS runs. A script that does not (another worker, a test's) costs start() the wait.
 */
export function sayWorkerHeapSetUp(data: unknown): void {
  const flag = (data as { heapSetUp?: unknown } | null)?.heapSetUp;
  if (!(flag instanceof Int32Array)) return;
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** A script that is not there fails at once on the worker: nothing to wait for. */
function scriptMayLoad(script: URL): boolean {
  return script.protocol !== 'file:' || existsSync(fileURLToPath(script));
}

export function createGatewayWorkerThread(options: GatewayWorkerThreadOptions = {}): GatewayWorkerThread {
  const script = options.script ?? gatewayWorkerScript();
  let current: { worker: Worker; holders: Set<Holder> } | null = null;

  interface Holder {
    exitListeners: ((error: Error) => void)[];
  }

  function start(): NonNullable<typeof current> {
    const heapSetUp = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(script, {
      workerData: { heapSetUp },
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      // It holds one usage batch (100 rows) and a few lookup rows at a time: a small heap keeps its
      // share of the RSS small. Past it the thread dies like any crash (its services start it again).
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    });
    // Setting up the worker's heap undoes the young-generation cap process-wide; this thread runs
    // no JS (so no collection) until the worker says its heap exists and the cap is back (20-45 ms,
    // at start-up and after a crash).
    if (scriptMayLoad(script)) Atomics.wait(heapSetUp, 0, 0, HEAP_SET_UP_WAIT_MS);
    workerHeapSetUp();
    const started = { worker, holders: new Set<Holder>() };
    // An idle gateway exits on its own signals: the thread never keeps the process alive.
    worker.unref();
    const died = (error: Error): void => {
      if (current !== started) return;
      current = null;
      for (const holder of started.holders) {
        const listeners = holder.exitListeners.splice(0);
        for (const listener of listeners) listener(error);
      }
      started.holders.clear();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    return started;
  }

  return {
    attach(service, port, data, transferList = []) {
      current ??= start();
      const thread = current;
      const holder: Holder = { exitListeners: [] };
      thread.holders.add(holder);
      thread.worker.postMessage({ service, port, ...(data === undefined ? {} : { data }) } satisfies AttachMessage, [port, ...transferList]);
      return {
        onExit(listener) {
          if (thread.holders.has(holder)) holder.exitListeners.push(listener);
        },
        async release() {
          if (!thread.holders.delete(holder)) return;
          holder.exitListeners.length = 0;
          if (thread.holders.size === 0 && current === thread) {
            current = null;
            await thread.worker.terminate().catch(() => undefined);
          }
        },
        async kill() {
          await thread.worker.terminate().catch(() => undefined);
        },
      };
    },
  };
}
