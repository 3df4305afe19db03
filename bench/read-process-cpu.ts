// Reads the CPU time a process has used so far (user + system) from /proc/<pid>/stat (Linux),
// so the bench can report CPU per request: far steadier than requests per second on a small,
// shared machine. Returns undefined elsewhere or when the process is gone. Several processes
// serving one target (replicas) are summed.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc times; 100 on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

export function readProcessCpuMs(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  return readStatCpuMs(`/proc/${pid}/stat`);
}

/**
 * The CPU time of a process's live threads named `threadName` (their /proc comm), summed; 0 when
 * none has that name. E.g. V8's profiler thread, "v8:ProfEvntProc", which spins between samples
 * and would otherwise count as the profiled program's work.
 */
export function readThreadsCpuMs(pid: number, threadName: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const tid of tids) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // exited meanwhile
    }
    if (comm !== threadName) continue;
    total += readStatCpuMs(`/proc/${pid}/task/${tid}/stat`) ?? 0;
  }
  return total;
}

function readStatCpuMs(path: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime) are at 11 and 12 once pid and comm are dropped.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/**
 * The CPU time of several processes together (the replicas of one target): undefined when the
 * list is empty or any of them cannot be read, since a partial sum would pass for a cheap request.
 */
export function readProcessesCpuMs(pids: readonly number[], read: (pid: number) => number | undefined = readProcessCpuMs): number | undefined {
  if (pids.length === 0) return undefined;
  let total = 0;
  for (const pid of pids) {
    const ms = read(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
