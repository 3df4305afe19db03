// createUsageBatchWorker: the main thread's side of the usage ledger's writer, a service on the
// gateway's worker thread (usage-batch-service.ts, gateway-worker-thread.ts). write() posts a batch
// and calls back when the worker answers, from the event loop; settle() BLOCKS (Atomics.wait)
// until every posted batch is answered and runs their callbacks right there, so the SQLite
// ledger's flush() stays synchronous for the reads that must see recent rows. A thread that dies
// fails its batches (the ledger queues them again: the write is idempotent per request id, so a
// batch that did commit adds nothing the second time) and is started again at the next write, up
// to maxRestarts; after that usable() is false and the ledger writes in-thread, as before the
// worker existed.
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { createGatewayWorkerThread, type GatewayWorkerThread, type WorkerAttachment } from '../core/gateway-worker-thread.js';
import type { Log } from '../storage/log.js';
import type { UsageBatchReply, UsageBatchRequest, UsageBatchServiceData } from './usage-batch-service.js';
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
  /** The worker thread, shared with the gateway's other background services; one of its own by default. */
  thread?: GatewayWorkerThread;
  /** Without `thread`: the worker script (defaults to gatewayWorkerScript()). */
  script?: URL;
  /** Without `thread`: node flags for the worker (tests running TypeScript sources pass a loader). */
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

export function createUsageBatchWorker(options: UsageBatchWorkerOptions): UsageBatchWorker {
  const { log } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  // A batch takes milliseconds; while flush() waits the main thread holds no lock the worker could
  // wait for. A thread that died silently (its heap limit) is only noticed here, so this is short:
  // past it the batch is written in-thread, which is correct even if the worker commits it too.
  const settleTimeoutMs = options.settleTimeoutMs ?? 2_000;
  const maxRestarts = options.maxRestarts ?? 3;
  const thread = options.thread ?? createGatewayWorkerThread(options);
  const pending = new Map<number, BatchDone>();
  let seq = 0;
  let restarts = 0;
  let closed = false;
  let current: { attachment: WorkerAttachment; port: MessagePort; answered: Int32Array } | null = null;

  function start(): NonNullable<typeof current> {
    // One port both ways: batches go out on it, answers come back on it (read synchronously by settle()).
    const channel = new MessageChannel();
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const data: UsageBatchServiceData = {
      file: options.file, busyTimeoutMs, synchronous: options.synchronous ?? 'NORMAL', answered: answered.buffer as SharedArrayBuffer,
      ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    };
    const attachment = thread.attach('usage-batches', channel.port2, data);
    const started = { attachment, port: channel.port1, answered };
    channel.port1.on('message', (reply: UsageBatchReply) => answer(reply));
    // It never keeps the process alive: an idle gateway exits on its own signals, and close() ends it.
    channel.port1.unref();
    attachment.onExit((error) => {
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
    });
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
    current.port.postMessage(request);
  }

  function settle(): void {
    const deadline = Date.now() + settleTimeoutMs;
    while (pending.size > 0 && current !== null) {
      const seen = Atomics.load(current.answered, 0);
      const message = receiveMessageOnPort(current.port);
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
        ending.port.close();
        void ending.attachment.release();
      }
    },
    async kill() {
      const victim = current;
      if (victim === null) return;
      await victim.attachment.kill();
    },
  };
}
