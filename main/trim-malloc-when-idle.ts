// Hands the memory glibc's malloc holds free back to the OS once the gateway goes quiet after a
// burst of work (`serve` and the desktop app's main process, Linux). Under load the arenas
// fragment: freed request buffers, SQLite's and V8's compiler memory leave free chunks between
// live ones, and glibc returns only what sits at the top of a heap, so the free pages in between
// stay in RSS for as long as the process runs (issue 18: mallinfo2 reported 11-19 MB of the
// arenas free after the bench's load). malloc_trim(0) releases every whole free page (madvise),
// in 0.5-1.5 ms; run while requests flow it would only be dirtied again, so it runs once per
// busy-then-quiet change: the first check interval in which the process used almost no CPU,
// after one in which it worked. While it works, it trims only when glibc holds more than
// BUSY_TRIM_FREE_BYTES free: what a spike leaves (V8's optimizing compiler warming up under the
// first load, a burst of large bodies) and the steady churn never reuses. mallinfo2 said 9 MB in
// use and 19-46 MB free in the main arena after the same load, the high end in one run of three,
// and RSS moved with it (124 to 149 MB). Nothing runs on the request path.
import { loadGlibcFunction } from './load-glibc-function.js';

/**
 * How often the process's CPU use is looked at (an unref'd timer: it never keeps it alive). A
 * second of quiet is already long for a gateway behind an IDE; a shorter check only costs a
 * timer, and a trim in a lull that is not the end costs ~1 ms and the pages' faults when the
 * next burst comes.
 */
export const IDLE_CHECK_MS = 1_000;

/** An interval in which the process used less than this share of one core counts as quiet. */
export const IDLE_CPU_SHARE = 0.02;
/**
 * Free bytes in glibc's arenas past which a busy interval trims too. Under the bench's steady load
 * the free bytes sat between 8 and 16 MB: 8 trimmed twice in a 20 s run (4 ms of CPU in all,
 * mallinfo2 every second included) and held RSS 3-6 MB lower; past a spike it trims at once.
 */
export const BUSY_TRIM_FREE_BYTES = 8 * 1024 * 1024;

export interface IdleTrimEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** malloc_trim(0) from the process's glibc, or null (not glibc, e.g. musl; or no FFI). */
  loadMallocTrim(): (() => void) | null;
  /** Bytes free in glibc's arenas (mallinfo2), or null where it cannot be read (glibc before 2.33). */
  loadMallocFreeBytes(): (() => number) | null;
  /** CPU the whole process has used, all threads, in µs. */
  cpuMicros(): number;
  /** Calls `tick` every `ms` without keeping the process alive. */
  every(ms: number, tick: () => void): void;
}

/**
 * 'on' (checked every interval from now), 'operator' (the operator tunes glibc's trimming with
 * MALLOC_TRIM_THRESHOLD_ or its tunable: theirs stands), 'unavailable' (not Linux, not glibc, or
 * no FFI: nothing changed).
 */
export type IdleTrimOutcome = 'on' | 'operator' | 'unavailable';

function operatorSetTrimming(env: NodeJS.ProcessEnv): boolean {
  return env.MALLOC_TRIM_THRESHOLD_ !== undefined || /glibc\.malloc\.trim_threshold/.test(env.GLIBC_TUNABLES ?? '');
}

/** glibc's struct mallinfo2 (malloc.h): every member a size_t. */
const MALLINFO2 = Object.fromEntries(
  ['arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost'].map((member) => [member, 'size_t']),
);

const processEnvironment = (): IdleTrimEnvironment => ({
  platform: process.platform,
  env: process.env,
  loadMallocTrim: () => {
    // musl (Alpine) has no malloc_trim.
    const mallocTrim = loadGlibcFunction('int malloc_trim(size_t)');
    return mallocTrim === null ? null : () => void mallocTrim(0);
  },
  loadMallocFreeBytes: () => {
    const mallinfo2 = loadGlibcFunction('mallinfo2_t mallinfo2()', { mallinfo2_t: MALLINFO2 });
    return mallinfo2 === null ? null : () => Number((mallinfo2() as { fordblks: number | bigint }).fordblks);
  },
  cpuMicros: () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  },
  every: (ms, tick) => void setInterval(tick, ms).unref(),
});

export function trimMallocWhenIdle(environment: IdleTrimEnvironment = processEnvironment(), intervalMs = IDLE_CHECK_MS): IdleTrimOutcome {
  if (environment.platform !== 'linux') return 'unavailable';
  if (operatorSetTrimming(environment.env)) return 'operator';
  const mallocTrim = environment.loadMallocTrim();
  if (mallocTrim === null) return 'unavailable';
  const freeBytes = environment.loadMallocFreeBytes();
  const quietMicros = intervalMs * 1_000 * IDLE_CPU_SHARE;
  let last = environment.cpuMicros();
  const trim = (): void => {
    try {
      mallocTrim();
    } catch {
      // A trim that fails changes nothing; the next check tries again.
    }
    // The trim's own CPU is not work to trim after.
    last = environment.cpuMicros();
  };
  // Start-up itself (loading the bundle, migrations) counts as work: the first quiet interval trims.
  let workedSinceTrim = true;
  environment.every(intervalMs, () => {
    const now = environment.cpuMicros();
    const used = now - last;
    last = now;
    if (used >= quietMicros) {
      workedSinceTrim = true;
      if (freeBytes !== null && readQuietly(freeBytes) > BUSY_TRIM_FREE_BYTES) trim();
      return;
    }
    if (!workedSinceTrim) return;
    workedSinceTrim = false;
    trim();
  });
  return 'on';
}

/** A reading that fails counts as nothing free (no trim). */
function readQuietly(read: () => number): number {
  try {
    return read();
  } catch {
    return 0;
  }
}
