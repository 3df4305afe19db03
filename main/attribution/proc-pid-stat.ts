// Parses a process's /proc/PID/stat and /proc/PID/cmdline. Pure; never reads a file.
// The comm field (2) is the executable's name in parentheses and may itself contain spaces and
// parentheses (`(Code Helper (Plugin))`), so the fields after it are read from the LAST `)`.

export interface ProcStat {
  comm: string;
  ppid: number;
  /** Field 22, clock ticks after boot: with the pid, it names one process even after the pid is reused. */
  startTime: string;
}

export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After ") ": field 3 (state) is rest[0], so field N is rest[N - 3].
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const ppid = Number(rest[1]);
  const startTime = rest[19];
  if (!Number.isInteger(ppid) || startTime === undefined || !/^\d+$/.test(startTime)) return null;
  return { comm: text.slice(open + 1, close), ppid, startTime };
}

/** NUL-separated arguments; the trailing NUL gives no empty last argument. */
export function parseCmdline(text: string): string[] {
  const args = text.split('\0');
  if (args.length > 0 && args[args.length - 1] === '') args.pop();
  return args;
}
