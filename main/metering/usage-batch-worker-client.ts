// createUsageBatchWorker: the main thread's side of the usage ledger's worker thread
// (usage-batch-worker.ts). write() posts a batch and calls back when the worker answers, from the
// event loop; settle() BLOCKS (Atomics.wait) until every posted batch is answered and runs their
// callbacks right there, so the SQLite ledger's flush() stays synchronous for the reads that
// must see recent rows. A worker that dies fails its batches (the ledger queues them again: the
// write is idempotent per request id, so a batch that did commit adds nothing the second time)
// and is started again at the next write, up to maxRestarts; after that usable() is false and
// the ledger writes in-thread, as before the worker existed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Log } from '../storage/log.js';
import type { UsageBatchReply, UsageBatchRequest, UsageBatchWorkerData } from './usage-batch-worker.js';
import type { UsageRow } from './usage-row.js';
import type { UsageBatchResult } from './write-usage-batch.js';

export type BatchDone = (error: Error | null, result?: UsageBatchResult) => void;

export interface UsageBatchWorkerOptions {
  /** The database file (already opened and migrated by openDatabase on the main thread). */
  file: string;
  log: Log;
  nativeBinding?: string;
  /** The worker's busy_timeout; the main thread's reservations are short, so it rarely waits. */
  busyTimeoutMs?: number;
  synchronous?: 'NORMAL' | 'FULL';
  /** The worker script; defaults to usageBatchWorkerScript(). */
  script?: URL;
  /** Node flags for the worker (tests running TypeScript sources pass a loader). */
  execArgv?: string[];
  /** How long settle() waits for an answer before failing the batch (then written in-thread). */
  settleTimeoutMs?: number;
  maxRestarts?: number;
}

export interface UsageBatchWorker {
  /** Posts `rows`; `done` is called exactly once, with the result or the error. */
  write(rows: UsageRow[], done: BatchDone): void;
  /** Batches posted and not answered yet. */
  inFlight(): number;
  /** Blocks until every posted batch is answered (their `done` run now) or settleTimeoutMs passed (failed). */
  settle(): void;
  /** False once the worker died more than maxRestarts times in a row (closed: false too): write in-thread instead. */
  usable(): boolean;
  /** Settles, then closes the worker's connection and ends the thread (synchronous). */
  close(): void;
  /** For fault tests: ends the thread now, as a crash would, whatever it is doing. */
  kill(): Promise<void>;
}

/**
 * Where the worker script is beside the module that starts it: the CLI's one-file bundle
 * (dist/main/switchboard.mjs) has its own bundled worker beside it; the compiled modules
 * (dist/main/**, the desktop app) have usage-batch-worker.js next to this file; the sources (tests)
 * have the .ts, which needs a TypeScript loader in execArgv.
 */
export function usageBatchWorkerScript(moduleUrl: string = import.meta.url): URL {
  if (moduleUrl.endsWith('.ts')) return new URL('./usage-batch-worker.ts', moduleUrl);
  const bundled = new URL('./usage-batch-worker.mjs', moduleUrl);
  if ((moduleUrl.endsWith('.mjs') || moduleUrl.endsWith('.cjs')) && existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./usage-batch-worker.js', moduleUrl);
}

export function createUsageBatchWorker(options: UsageBatchWorkerOptions): UsageBatchWorker {
  const { log } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  // A batch takes milliseconds; while flush() waits the main thread holds no lock the worker could
  // wait for. A thread that died silently (its heap limit) is only noticed here, so this is short:
  // past it the batch is written in-thread, which is correct even if the worker commits it too.
  const settleTimeoutMs = options.settleTimeoutMs ?? 2_000;
  const maxRestarts = options.maxRestarts ?? 3;
  const script = options.script ?? usageBatchWorkerScript();
  const pending = new Map<number, BatchDone>();
  let seq = 0;
  let restarts = 0;
  let closed = false;
  let current: { worker: Worker; replies: MessagePort; answered: Int32Array } | null = null;

  function start(): NonNullable<typeof current> {
    const channel = new MessageChannel();
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const data: UsageBatchWorkerData = {
      file: options.file, busyTimeoutMs, synchronous: options.synchronous ?? 'NORMAL', answered: answered.buffer as SharedArrayBuffer, replies: channel.port2,
      ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    };
    const worker = new Worker(script, {
      workerData: data, transferList: [channel.port2], ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      // It holds one batch (100 rows) at a time: a small heap keeps its share of the RSS small.
      // Past it the thread dies like any crash (its batch queued again, the thread restarted).
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    });
    const started = { worker, replies: channel.port1, answered };
    channel.port1.on('message', (reply: UsageBatchReply) => answer(reply));
    // Neither keeps the process alive: an idle gateway exits on its own signals, and close() ends them.
    channel.port1.unref();
    worker.unref();
    const died = (error: Error): void => {
      if (current !== started) return;
      current = null;
      channel.port1.close();
      if (closed) return;
      restarts++;
      const lost = pending.size;
      log.error(
        { err: error, batches: lost, restarts, maxRestarts },
        `The usage writer thread stopped (${error.message}); ${lost} batch(es) in it are queued again${restarts > maxRestarts ? ' and usage is written on the main thread from now on' : ''}.`,
      );
      failAll(error);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    return started;
  }

  function answer(reply: UsageBatchReply): void {
    const done = pending.get(reply.seq);
    if (done === undefined) return;
    pending.delete(reply.seq);
    if (reply.ok) {
      // Counts deaths in a row: a thread that works again earns its restarts back.
      restarts = 0;
      done(null, { inserted: reply.inserted, keyIds: reply.keyIds });
    }
    else done(Object.assign(new Error(reply.error.message), { name: reply.error.name, code: reply.error.code }));
  }

  function failAll(error: Error): void {
    const dones = [...pending.values()];
    pending.clear();
    for (const done of dones) done(error);
  }

  function post(request: UsageBatchRequest, done: BatchDone): void {
    try {
      current ??= start();
    } catch (error) {
      // A thread that cannot even be created counts as one that died; its batch goes back.
      restarts++;
      const reason = error instanceof Error ? error : new Error(String(error));
      log.error({ err: reason, restarts, maxRestarts }, `The usage writer thread could not start (${reason.message}); the batch is queued again.`);
      done(reason);
      return;
    }
    pending.set(request.seq, done);
    current.worker.postMessage(request);
  }

  function settle(): void {
    const deadline = Date.now() + settleTimeoutMs;
    while (pending.size > 0 && current !== null) {
      const seen = Atomics.load(current.answered, 0);
      const message = receiveMessageOnPort(current.replies);
      if (message !== undefined) {
        answer(message.message as UsageBatchReply);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      // Wakes at the worker's next answer; the counter moving between the load and here returns at once.
      Atomics.wait(current.answered, 0, seen, Math.min(left, 100));
    }
    // A dead thread cannot answer (its exit event waits for the event loop) or one that took too long:
    // its batches go back to the ledger, which writes them in-thread; if the worker commits them
    // after all, the second write finds their request ids and adds nothing.
    if (pending.size > 0) failAll(new Error(`the usage writer thread did not answer within ${settleTimeoutMs} ms`));
  }

  return {
    write(rows, done) {
      post({ kind: 'write', seq: ++seq, rows }, done);
    },
    inFlight: () => pending.size,
    settle,
    usable: () => !closed && restarts <= maxRestarts,
    close() {
      if (closed) return;
      settle();
      if (current !== null) {
        post({ kind: 'close', seq: ++seq }, () => undefined);
        settle();
      }
      closed = true;
      const ending = current;
      current = null;
      if (ending !== null) {
        ending.replies.close();
        void ending.worker.terminate();
      }
    },
    async kill() {
      const victim = current;
      if (victim === null) return;
      await victim.worker.terminate();
    },
  };
}
