// Caps V8's young generation in the long-running gateway process (`serve` and the desktop app's
// main process). Under load V8 grows the two semi-spaces from 1 MB to 16 MB each and keeps them:
// 32 MB of RSS that the gateway's live data never needs (issue 18: RSS after the bench's load
// 148 MB, of which new space 32 MB, live heap after a GC 28 MB). Never overrides an operator's
// own young-generation flags.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { afterWorkerHeapSetUp } from './core/worker-heap-set-up.js';

/**
 * New space (both semi-spaces) V8 may grow to. Pinned at its 2 MB start size, the gateway spent
 * about 20-60 % more CPU per request in garbage collection (busy 2-core machine, interleaved
 * runs); 8 MB keeps most of that and still returns 24 of the 32 MB.
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * Set at run time, because the process is already running when our code does: `npm start`, the
 * bin, the bench and Electron all launch node without our flags. `--max-semi-space-size` is read
 * only when the heap is created, so setting it now changes nothing; the growth factor is read each
 * time V8 considers growing new space, so 1 stops the growth from then on (and 2, V8's default,
 * lets it grow again). On the command line a factor of 1 does nothing: V8 raises a factor below 2
 * to 2 when it sets the heap up (Node 20). cap-young-generation.fault.test.ts checks the effect in
 * a real process, so a Node upgrade that changes this fails a test.
 */
export const STOP_GROWTH_FLAG = '--semi-space-growth-factor=1';
export const ALLOW_GROWTH_FLAG = '--semi-space-growth-factor=2';

/** Flags by which an operator sizes the young generation themselves (V8 accepts - or _ inside names). */
const OPERATOR_FLAGS = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

export interface YoungGenerationEnvironment {
  /** node's own flags (process.execArgv). */
  execArgv: readonly string[];
  /** NODE_OPTIONS, where V8 flags can be given too. */
  nodeOptions: string | undefined;
  setFlags(flags: string): void;
  /** Current size of new space in bytes. */
  newSpaceBytes(): number;
  /** Calls `listener` after garbage collections (V8 resizes new space only then). */
  afterGc(listener: () => void): void;
  /** Calls `listener` when a worker thread of this process has started. */
  afterWorkerStart(listener: () => void): void;
}

const processEnvironment = (): YoungGenerationEnvironment => ({
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
  setFlags: setFlagsFromString,
  newSpaceBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  afterGc: (listener) => new PerformanceObserver(listener).observe({ entryTypes: ['gc'] }),
  afterWorkerStart: (listener) => {
    // The gateway's own worker thread says so synchronously, before this thread can collect again;
    // any other worker is caught at its 'online' event, which can come after a scavenge.
    afterWorkerHeapSetUp(listener);
    process.on('worker', (worker) => worker.once('online', listener));
  },
});

/**
 * Lets new space grow up to `cap` and no further: after each collection, growth is stopped once new
 * space has reached the cap and allowed again if V8 has shrunk it below (it does after idle time).
 * Starting a worker thread puts V8's growth factor back to its default (Node 20: the usage writer
 * and the caller lookups are workers, and new space grew to 32 MB under the bench's load with the
 * cap "on"), so a stop is set again after every collection and as soon as a worker's heap is set
 * up: the gateway's worker thread waits for that and says so before this thread runs on
 * (worker-heap-set-up.ts); any other worker is caught at its 'online' event, and a scavenge between
 * its heap set-up and that event can still grow new space one step past the cap (the gateway's own
 * thread did so at start-up, when the bundle's loading had new space at the cap already: 16 MB
 * for the whole run). Returns false, changing nothing, when the operator sized the young generation.
 */
export function capYoungGeneration(environment: YoungGenerationEnvironment = processEnvironment(), cap = YOUNG_GENERATION_CAP_BYTES): boolean {
  const operatorFlags = [...environment.execArgv, environment.nodeOptions ?? ''].join(' ');
  if (OPERATOR_FLAGS.test(operatorFlags)) return false;
  let stopped = false;
  const apply = () => {
    const stop = environment.newSpaceBytes() >= cap;
    // Allowing is V8's default, so it needs setting only when it changes; a stop is set each time.
    if (!stop && !stopped) return;
    environment.setFlags(stop ? STOP_GROWTH_FLAG : ALLOW_GROWTH_FLAG);
    stopped = stop;
  };
  apply();
  environment.afterGc(apply);
  environment.afterWorkerStart(apply);
  return true;
}
