// The real KeepAliveTimer for relayed streams: a Node interval, unref'd so an open stream never
// keeps a stopping process alive, cleared by the function it returns. Never ticks after that.
import type { KeepAliveTimer } from './relay-stream.js';

/**
 * Every 15 s: half of the 30 s within which a client must hear something, and Codex's own idle
 * timeout (300 s) is far beyond it.
 */
export const STREAM_KEEP_ALIVE_MS = 15_000;

export function intervalKeepAlive(everyMs: number = STREAM_KEEP_ALIVE_MS): KeepAliveTimer {
  return (tick) => {
    const timer = setInterval(tick, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  };
}
