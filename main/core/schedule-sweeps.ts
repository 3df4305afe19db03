// scheduleSweeps: runs the periodic jobs (budget resets, expired reservations, usage retention)
// every `everyMs`, but only while this process is the leader: on SQLite always (one process owns
// the file), in team mode while it holds the leader lease. Never runs two rounds of one job at once,
// never lets a job's error escape (logged, then retried at the next tick), and after close() starts
// nothing new. Engine-free: the leader test and the jobs are passed in.

export interface SweepJob {
  /** For logs. */
  name: string;
  everyMs: number;
  run(): Promise<void> | void;
}

/** The slice of a logger this writes to; a pino logger and storage's Log satisfy it. */
export interface SweepLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Timers, injected so tests move time by hand. */
export interface SweepTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ScheduleSweepsOptions {
  jobs: readonly SweepJob[];
  /** Asked before every run: `() => true` on SQLite, the leader lease's isLeader in team mode. */
  isLeader(): boolean;
  log: SweepLog;
  timers?: SweepTimers;
}

export interface ScheduledSweeps {
  /** Stops the timers and waits for the rounds in flight to finish. */
  close(): Promise<void>;
}

const realTimers: SweepTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // Sweeps alone never keep the process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function scheduleSweeps(options: ScheduleSweepsOptions): ScheduledSweeps {
  const timers = options.timers ?? realTimers;
  const { log } = options;
  let closed = false;
  const handles = new Map<SweepJob, unknown>();
  const inFlight = new Set<Promise<void>>();

  async function round(job: SweepJob): Promise<void> {
    if (!options.isLeader()) return;
    try {
      await job.run();
      log.debug({ job: job.name }, `sweep ${job.name}: done`);
    } catch (error) {
      // The next tick is the retry: a sweep is idempotent by design (compare-and-set resets,
      // DELETE ... RETURNING claims), so running it again is always safe.
      log.warn({ job: job.name, err: error }, `sweep ${job.name} failed; it runs again in ${job.everyMs} ms`);
    }
  }

  function arm(job: SweepJob): void {
    if (closed) return;
    handles.set(job, timers.setTimeout(() => {
      const running = round(job);
      inFlight.add(running);
      // The next round is armed only after this one ends: a slow sweep never overlaps itself.
      void running.finally(() => {
        inFlight.delete(running);
        arm(job);
      });
    }, job.everyMs));
  }

  for (const job of options.jobs) arm(job);

  return {
    async close() {
      closed = true;
      for (const handle of handles.values()) timers.clearTimeout(handle);
      handles.clear();
      await Promise.all([...inFlight]);
    },
  };
}
