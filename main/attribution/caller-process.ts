// The seam between the OS lookup of "which program is at the other end of this loopback
// connection" (per platform, off the request path) and the gateway that names apps, meters them
// and enforces app rules. Types only: the lookup, the naming and the wiring live beside this file.

/** The two ends of an accepted TCP connection, as the gateway's socket reports them. */
export interface LoopbackConnection {
  /** The caller's address (socket.remoteAddress), e.g. `127.0.0.1` or `::1` or `::ffff:127.0.0.1`. */
  clientAddress: string;
  /** The caller's ephemeral port (socket.remotePort). */
  clientPort: number;
  /** The gateway's own address on this connection (socket.localAddress). */
  serverAddress: string;
  /** The gateway's listening port (socket.localPort). */
  serverPort: number;
}

/** What a platform lookup found: the process owning the client end of the connection. */
export interface SocketOwner {
  pid: number;
  /** Absolute path of the executable (Linux /proc/PID/exe, macOS proc_pidpath, Windows QueryFullProcessImageNameW). */
  exePath: string;
  /** The command line, when the platform gives it without extra privilege (Linux /proc/PID/cmdline). */
  argv?: readonly string[];
  /** The parent's pid, when known: helpers (an editor's extension host) are named after an ancestor. */
  ppid?: number;
  /** An opaque start time that, with the pid, names one process even after the pid is reused. */
  startTime?: string;
}

/**
 * Finds the owner of the client end of `connection`, or null when it cannot (another user's
 * process, not found, refused by the OS). Synchronous: it runs on the attribution worker thread,
 * never on the request thread.
 */
export type FindSocketOwner = (connection: LoopbackConnection) => SocketOwner | null;

/** The program a request came from, as people recognise it. */
export interface CallerProcess {
  /** `sync_notes.py`, `claude-code`, `vscode`, `qwen-code`: the app name usage is recorded under. */
  name: string;
  pid: number;
  exePath: string;
  /** The connection was relayed: the real caller is inside a container or WSL, not the relay itself. */
  via?: 'docker' | 'wsl';
}

/** A request's view of its connection's lookup (one lookup per connection; keep-alive shares it). */
export interface CallerLookup {
  /** The result once known: the process, or null when the lookup failed or was not attempted; undefined while it runs. */
  now(): CallerProcess | null | undefined;
  /** Waits at most `maxWaitMs` for the result; undefined if it is still running then. */
  settle(maxWaitMs: number): Promise<CallerProcess | null | undefined>;
}
