// The Linux FindSocketOwner: the client end of a loopback connection in /proc/net/tcp{,6} gives
// the socket's uid and inode; only a socket of this gateway's own user goes on, to a scan of that
// user's processes' /proc/PID/fd links for `socket:[inode]`, most recently found pids first. Then
// the process's exe, cmdline and stat. Synchronous and unprivileged: it runs on the attribution
// worker thread, never on the request thread, and never resolves another user's process.
// Threads: a socket is found through its process's fd table, which threads share unless they
// were cloned without CLONE_FILES (rare; such sockets are missed, opensnitch#343).
import type { FindSocketOwner, LoopbackConnection, SocketOwner } from './caller-process.js';
import { findClientRow, parseProcNetTcp } from './proc-net-tcp.js';
import { parseCmdline, parseProcStat } from './proc-pid-stat.js';

/** The slice of the file system the lookup reads (node:fs's sync calls; fixtures in tests). Each may throw. */
export interface ProcFs {
  readFile(path: string): string;
  readdir(path: string): string[];
  readlink(path: string): string;
  /** The uid owning a path (a /proc/PID directory belongs to its process's real uid). */
  ownerUid(path: string): number;
}

export interface LinuxSocketOwnerOptions {
  fs: ProcFs;
  /** This gateway's uid (process.getuid()): only its own user's sockets are resolved. */
  uid: number;
  /** The /proc mount (tests: a fixture directory). */
  proc?: string;
  /** How many recently found pids are tried before the full scan. */
  recentPids?: number;
}

export interface LinuxProcessReader {
  findSocketOwner: FindSocketOwner;
  /** A process by pid (an ancestor, for naming helpers), or null when it is gone or not readable. */
  readProcess(pid: number): SocketOwner | null;
}

const MAX_ARGS = 64;
const MAX_ARG_CHARS = 1_024;

export function createLinuxSocketOwner(options: LinuxSocketOwnerOptions): LinuxProcessReader {
  const { fs, uid } = options;
  const proc = options.proc ?? '/proc';
  const recentLimit = options.recentPids ?? 32;
  // A program that opened one connection usually opens the next: its pid is tried first.
  const recent: number[] = [];

  const quietly = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };

  function socketRow(connection: LoopbackConnection) {
    for (const table of ['tcp', 'tcp6']) {
      const text = quietly(() => fs.readFile(`${proc}/net/${table}`));
      if (text === undefined) continue;
      const row = findClientRow(parseProcNetTcp(text), connection);
      if (row !== undefined) return row;
    }
    return undefined;
  }

  function holdsSocket(pid: number, link: string): boolean {
    const fds = quietly(() => fs.readdir(`${proc}/${pid}/fd`));
    if (fds === undefined) return false;
    for (const fd of fds) {
      if (quietly(() => fs.readlink(`${proc}/${pid}/fd/${fd}`)) === link) return true;
    }
    return false;
  }

  function remember(pid: number): void {
    const at = recent.indexOf(pid);
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(pid);
    if (recent.length > recentLimit) recent.pop();
  }

  function findPid(inode: string): number | undefined {
    const link = `socket:[${inode}]`;
    for (const pid of recent) {
      if (holdsSocket(pid, link)) return pid;
    }
    const entries = quietly(() => fs.readdir(proc)) ?? [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (recent.includes(pid)) continue;
      // Another user's processes are skipped before their fds are touched.
      if (quietly(() => fs.ownerUid(`${proc}/${entry}`)) !== uid) continue;
      if (holdsSocket(pid, link)) return pid;
    }
    return undefined;
  }

  function readProcess(pid: number): SocketOwner | null {
    const stat = quietly(() => parseProcStat(fs.readFile(`${proc}/${pid}/stat`)));
    if (stat == null) return null;
    const exe = quietly(() => fs.readlink(`${proc}/${pid}/exe`));
    const cmdline = quietly(() => parseCmdline(fs.readFile(`${proc}/${pid}/cmdline`))) ?? [];
    const argv = cmdline.slice(0, MAX_ARGS).map((arg) => arg.slice(0, MAX_ARG_CHARS));
    // A process whose exe cannot be read (a kernel thread, one exiting) is named by its comm.
    const exePath = (exe ?? argv[0] ?? stat.comm).replace(/ \(deleted\)$/, '');
    return { pid, exePath, argv, ppid: stat.ppid, startTime: stat.startTime };
  }

  return {
    findSocketOwner(connection) {
      const row = socketRow(connection);
      if (row === undefined || row.uid !== uid) return null;
      const pid = findPid(row.inode);
      if (pid === undefined) return null;
      const owner = readProcess(pid);
      if (owner !== null) remember(pid);
      return owner;
    },
    readProcess,
  };
}
