// The Linux FindSocketOwner: the client end of a loopback connection in /proc/net/tcp{,6} gives
// the socket's uid and inode; only a socket of this gateway's own user goes on, to a scan of that
// user's processes' /proc/PID/fd links for `socket:[inode]`, most recently found pids first. Then
// the process's exe, cmdline and stat. Synchronous and unprivileged: it runs on the attribution
// worker thread, never on the request thread, and never resolves another user's process.
// Threads: a socket is found through its process's fd table, which threads share unless they
// were cloned without CLONE_FILES (rare; such sockets are missed, opensnitch#343).
import type { FindSocketOwner, LoopbackConnection, SocketOwner } from './caller-process.js';
import { findClientRow, parseProcNetTcp, type ProcNetTcpRow } from './proc-net-tcp.js';
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
  /**
   * The owners of many connections at once (a burst of new connections): the tables are read
   * once and one fd scan serves them all. Same answers as findSocketOwner, in order.
   */
  findSocketOwners(connections: readonly LoopbackConnection[]): (SocketOwner | null)[];
  /** A process by pid (an ancestor, for naming helpers), or null when it is gone or not readable. */
  readProcess(pid: number): SocketOwner | null;
}

const MAX_ARGS = 64;
const MAX_ARG_CHARS = 1_024;
/** Socket inodes seen during scans, kept to find the next connection of the same process with one readlink. */
const MAX_KNOWN_SOCKETS = 4_096;

export function createLinuxSocketOwner(options: LinuxSocketOwnerOptions): LinuxProcessReader {
  const { fs, uid } = options;
  const proc = options.proc ?? '/proc';
  const recentLimit = options.recentPids ?? 32;
  // A program that opened one connection usually opens the next: its pid is tried first.
  const recent: number[] = [];
  // Every socket link a scan passed on its way (inode -> the fd that held it): a program that opens
  // ten connections at once has them all recorded by the scan that finds the first. Verified with
  // one readlink before use (the fd may have been closed and reused since).
  const known = new Map<string, string>();

  const quietly = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };

  function tables(): ProcNetTcpRow[][] {
    const read: ProcNetTcpRow[][] = [];
    for (const table of ['tcp', 'tcp6']) {
      const text = quietly(() => fs.readFile(`${proc}/net/${table}`));
      if (text !== undefined) read.push(parseProcNetTcp(text));
    }
    return read;
  }

  function socketRow(rows: ProcNetTcpRow[][], connection: LoopbackConnection): ProcNetTcpRow | undefined {
    for (const table of rows) {
      const row = findClientRow(table, connection);
      if (row !== undefined) return row;
    }
    return undefined;
  }

  /** Reads `pid`'s fd links, records its sockets, and marks the wanted ones found. */
  function scanFds(pid: number, wanted: Set<string>, found: Map<string, number>): void {
    const fds = quietly(() => fs.readdir(`${proc}/${pid}/fd`));
    if (fds === undefined) return;
    for (const fd of fds) {
      const path = `${proc}/${pid}/fd/${fd}`;
      const link = quietly(() => fs.readlink(path));
      if (link === undefined || !link.startsWith('socket:[')) continue;
      const inode = link.slice(8, -1);
      if (known.size >= MAX_KNOWN_SOCKETS) known.clear();
      known.set(inode, path);
      if (wanted.has(inode) && !found.has(inode)) found.set(inode, pid);
    }
  }

  function remember(pid: number): void {
    const at = recent.indexOf(pid);
    if (at >= 0) recent.splice(at, 1);
    recent.unshift(pid);
    if (recent.length > recentLimit) recent.pop();
  }

  /** inode -> pid for as many of `wanted` as are held by this user's processes. */
  function findPids(wanted: Set<string>): Map<string, number> {
    const found = new Map<string, number>();
    const done = () => found.size === wanted.size;
    for (const inode of wanted) {
      const path = known.get(inode);
      if (path !== undefined && quietly(() => fs.readlink(path)) === `socket:[${inode}]`) found.set(inode, Number(path.slice(proc.length + 1).split('/')[0]));
    }
    for (const pid of recent) {
      if (done()) return found;
      scanFds(pid, wanted, found);
    }
    if (done()) return found;
    // Newest first: a program that has just connected for the first time is most often a process
    // that has just started, and pids are handed out in increasing order (until they wrap).
    const pids = (quietly(() => fs.readdir(proc)) ?? []).filter((entry) => /^\d+$/.test(entry)).map(Number).sort((a, b) => b - a);
    for (const pid of pids) {
      const entry = String(pid);
      if (recent.includes(pid)) continue;
      // Another user's processes are skipped before their fds are touched.
      if (quietly(() => fs.ownerUid(`${proc}/${entry}`)) !== uid) continue;
      scanFds(pid, wanted, found);
      if (done()) break;
    }
    return found;
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

  function findSocketOwners(connections: readonly LoopbackConnection[]): (SocketOwner | null)[] {
    const rows = tables();
    // Only this user's sockets go on: another user's process is never looked at.
    const inodes = connections.map((connection) => {
      const row = socketRow(rows, connection);
      return row !== undefined && row.uid === uid ? row.inode : undefined;
    });
    const wanted = new Set(inodes.filter((inode): inode is string => inode !== undefined));
    if (wanted.size === 0) return connections.map(() => null);
    const pids = findPids(wanted);
    const owners = new Map<number, SocketOwner | null>();
    return inodes.map((inode) => {
      const pid = inode === undefined ? undefined : pids.get(inode);
      if (pid === undefined) return null;
      if (!owners.has(pid)) {
        const owner = readProcess(pid);
        owners.set(pid, owner);
        if (owner !== null) remember(pid);
      }
      return owners.get(pid)!;
    });
  }

  return {
    findSocketOwner: (connection) => findSocketOwners([connection])[0]!,
    findSocketOwners,
    readProcess,
  };
}
