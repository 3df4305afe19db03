// The gateway's log sink (serve's stderr, the desktop app's log file): lines gathered into one
// write(2) of up to `minBytes`, never held longer than `maxDelayMs`. Under load every request logs
// one line (~400 bytes); written one by one from libuv's pool, each line still cost the event loop
// a request to the pool, a wake-up of a pool thread and a completion callback: 6-7 % of the
// gateway's busy main thread at c=16 (issue 18), and written synchronously (the desktop app's file
// until now) a blocking write(2) per request. Gathered, that cost is paid once per ~20 lines.
//
// The lines wait here, in an array, and go to sonic-boom (pino's destination) one batch at a time.
// Left in sonic-boom's own buffer (its `minLength`), every line re-measured that whole buffer
// (`Buffer.byteLength` of one growing concatenated string, which V8 copies flat each time): ~4 KB
// allocated per request, a tenth of all the gateway allocated. On the process's exit (process.exit
// or its work running out) what waits is handed over and written synchronously, as pino's own exit
// hook writes sonic-boom's buffer. What a `kill -9` can lose is the last `maxDelayMs` of lines; the
// usage rows, the record that matters, have their own window (docs/storage-engines.md, "kill -9").
import pino, { type DestinationStream } from 'pino';

export interface BatchedLogDestinationOptions {
  /** File descriptor to write to (2 for stderr). */
  fd: number;
  /** Lines are written once this many characters are waiting. */
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
  let waiting: string[] = [];
  let waitingLength = 0;
  let timer: NodeJS.Timeout | undefined;
  // Registered before the sink exists, so these run before pino's own exit hook for it (it ends
  // the sink when the work runs out): the last lines reach the sink while it still takes them.
  const onExit = (): void => {
    try {
      handOver();
      sink.flushSync();
    } catch {
      // A destroyed sink (stderr closed under us): there is nowhere left to write.
    }
  };
  process.once('beforeExit', handOverQuietly);
  process.once('exit', onExit);
  // With the same minLength, a batch handed over short of it (on the timer, at flushSync or exit)
  // waits in sonic-boom's buffer, where flushSync writes it synchronously, in order, instead of
  // starting an asynchronous write that a synchronous one could overtake.
  const sink = pino.destination({ dest: options.fd, sync: false, minLength: options.minBytes });

  function handOver(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const batch = waiting.length === 1 ? (waiting[0] as string) : waiting.join('');
    waiting = [];
    waitingLength = 0;
    sink.write(batch);
  }
  function handOverQuietly(): void {
    try {
      handOver();
    } catch {
      // As above: a destroyed sink.
    }
  }
  /** The timer's end: what waits is written now, full batch or not. */
  function writeWaiting(): void {
    try {
      handOver();
      sink.flush();
    } catch {
      // As above: a destroyed sink.
    }
  }
  return {
    write(chunk: string): void {
      waiting.push(chunk);
      waitingLength += chunk.length;
      if (waitingLength >= options.minBytes) handOverQuietly();
      // One timer per batch, not per line; unref'd so an idle gateway's exit never waits for it.
      else if (timer === undefined) timer = setTimeout(writeWaiting, options.maxDelayMs).unref();
    },
    flush(done?: (error?: Error) => void): void {
      handOver();
      sink.flush(done);
    },
    flushSync(): void {
      handOver();
      sink.flushSync();
    },
  };
}
