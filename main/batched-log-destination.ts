// The gateway's log sink (serve's stderr, the desktop app's log file): lines gathered into one
// write(2) of up to `minBytes`, never held longer than `maxDelayMs`. Under load every request logs
// one line (~400 bytes); written one by one from libuv's pool, each line still cost the event loop
// a request to the pool, a wake-up of a pool thread and a completion callback: 6-7 % of the
// gateway's busy main thread at c=16 (issue 18), and written synchronously (the desktop app's file
// until now) a blocking write(2) per request. Gathered, that cost is paid once per ~20 lines.
//
// The lines wait in sonic-boom's own buffer (its `minLength`), so pino's exit hook, which flushes
// that buffer synchronously, still writes every line on a normal exit, SIGTERM's included. What a
// `kill -9` can lose is the last `maxDelayMs` of lines; the usage rows, the record that matters,
// have their own window (docs/storage-engines.md, "kill -9").
import pino, { type DestinationStream } from 'pino';

export interface BatchedLogDestinationOptions {
  /** File descriptor to write to (2 for stderr). */
  fd: number;
  /** Lines are written once this many bytes are waiting (sonic-boom's minLength). */
  minBytes: number;
  /** ...or this long after the first of them arrived, whichever comes first. */
  maxDelayMs: number;
}

export interface BatchedLogDestination extends DestinationStream {
  /** Starts writing what is waiting now; `done` runs once it is written (pino's `logger.flush`). */
  flush(done?: (error?: Error) => void): void;
  /** Writes what is waiting now, synchronously (a caller about to exit). */
  flushSync(): void;
}

export function createBatchedLogDestination(options: BatchedLogDestinationOptions): BatchedLogDestination {
  const sink = pino.destination({ dest: options.fd, sync: false, minLength: options.minBytes });
  let timer: NodeJS.Timeout | undefined;
  const flushWaiting = (): void => {
    timer = undefined;
    try {
      sink.flush();
    } catch {
      // Only a destroyed sink throws (stderr closed under us): there is nowhere left to write.
    }
  };
  return {
    write(chunk: string): void {
      sink.write(chunk);
      // One timer per batch, not per line; unref'd so an idle gateway's exit never waits for it.
      if (timer === undefined) timer = setTimeout(flushWaiting, options.maxDelayMs).unref();
    },
    flush(done?: (error?: Error) => void): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      sink.flush(done);
    },
    flushSync(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      sink.flushSync();
    },
  };
}
