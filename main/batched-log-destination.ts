// The gateway's log sink (serve's stderr, the desktop app's log file): lines gathered into one
// write(2) of up to `minBytes`, never held longer than `maxDelayMs`. Under load every request logs
// one line (~400 bytes); written one by one, each line cost the event loop a write (or, from
// libuv's pool, a request to the pool, a wake-up of a pool thread and a completion callback): 6-7 %
// of the gateway's busy main thread at c=16 (issue 18). Gathered, that cost is paid once per ~20
// lines.
//
// The lines wait here, in an array, and each batch is written synchronously through sonic-boom
// (pino's destination) in sync mode: one write(2) per batch, in order, nothing left in flight for
// a later synchronous write to overtake, and every failure seen at the write that met it. That
// last point is why it is synchronous (issue 18, seventh session): written asynchronously, a
// destination that broke (the pipe's reader gone: EPIPE; a full disk: ENOSPC; a closed terminal:
// EIO) was first met by the synchronous write at exit, and sonic-boom's flushSync retries any error
// but EAGAIN forever: `serve` with its stderr reader gone never finished shutting down. Now the
// first failure marks the sink broken, later lines are dropped, and nothing ever retries it; a
// destination that only stays full (EAGAIN on a non-blocking pipe) is waited for at most ~1 s per
// batch, then counted as broken too, so logging can never wedge the gateway for longer. Like
// Node's own stderr on Linux, a blocking pipe or terminal whose reader stops reading (a paused
// terminal) holds the writer until it reads again.
//
// On the process's exit (process.exit or its work running out) what waits is written. What a
// `kill -9` can lose is the last `maxDelayMs` of lines; the usage rows, the record that matters,
// have their own window (docs/storage-engines.md, "kill -9").
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
  /** Writes what is waiting now; `done` runs once it is written (pino's `logger.flush`). */
  flush(done?: (error?: Error) => void): void;
  /** Writes what is waiting now, synchronously (a caller about to exit). */
  flushSync(): void;
  /** Lines dropped because the destination failed (0 while it works). */
  dropped(): number;
}

/** sonic-boom sleeps 100 ms before each retry of a write that met EAGAIN: at most ~1 s per batch. */
const MAX_EAGAIN_RETRIES = 10;

export function createBatchedLogDestination(options: BatchedLogDestinationOptions): BatchedLogDestination {
  let waiting: string[] = [];
  let waitingLength = 0;
  let timer: NodeJS.Timeout | undefined;
  let broken = false;
  let dropped = 0;
  let retries = 0;
  process.once('beforeExit', handOver);
  process.once('exit', handOver);
  const sink = pino.destination({
    dest: options.fd,
    sync: true,
    retryEAGAIN: () => ++retries <= MAX_EAGAIN_RETRIES,
  });
  // After pino's own listener (which stops the sink on EPIPE, and passes any other error on):
  // any failure is final for this sink; never an uncaught 'error' that would crash the gateway.
  sink.on('error', () => {
    broken = true;
  });

  /** Writes what waits now, unless the destination has failed (then it is dropped). Never throws. */
  function handOver(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const lines = waiting;
    waiting = [];
    waitingLength = 0;
    if (broken) {
      dropped += lines.length;
      return;
    }
    retries = 0;
    try {
      sink.write(lines.length === 1 ? (lines[0] as string) : lines.join(''));
    } catch {
      // A destroyed sink: nowhere left to write.
      broken = true;
    }
    if (broken) dropped += lines.length;
  }
  return {
    write(chunk: string): void {
      waiting.push(chunk);
      waitingLength += chunk.length;
      if (waitingLength >= options.minBytes) handOver();
      // One timer per batch, not per line; unref'd so an idle gateway's exit never waits for it.
      else if (timer === undefined) timer = setTimeout(handOver, options.maxDelayMs).unref();
    },
    flush(done?: (error?: Error) => void): void {
      handOver();
      if (done) process.nextTick(done);
    },
    flushSync(): void {
      handOver();
    },
    dropped: () => dropped,
  };
}
