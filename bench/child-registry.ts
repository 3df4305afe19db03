// Spawns and tracks every child process of the benchmark (mock upstream, floor proxy, gateway,
// startup probes) so that none outlives it: stop() is graceful (SIGTERM, then SIGKILL), and
// killAllNow() is the synchronous last resort for process 'exit'. Never kills a process it did
// not spawn, and never signals a process group.
import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnOptions {
  /** Arguments to `node` (script path first, or node flags then the script). */
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Open an IPC channel: our own children exit when it closes (the bench died). */
  ipc?: boolean;
  /** Keep stdout (needed to read a ready line); otherwise it is discarded. */
  pipeStdout?: boolean;
}

export interface ServerSpawnOptions extends SpawnOptions {
  /** Matches the ready line; its first group is the origin, e.g. http://127.0.0.1:4141. */
  readyPattern: RegExp;
  timeoutMs: number;
}

export interface ChildServer {
  name: string;
  pid: number;
  origin: string;
  process: ChildProcess;
}

export interface ChildRegistry {
  spawnNode(name: string, options: SpawnOptions): ChildProcess;
  /** Spawns a server and resolves with its origin once it prints its ready line. */
  spawnServer(name: string, options: ServerSpawnOptions): Promise<ChildServer>;
  /** The last few KB of a child's stderr (and stdout if piped), for error messages. */
  outputOf(child: ChildProcess): string;
  stop(child: ChildProcess, graceMs?: number): Promise<void>;
  stopAll(): Promise<void>;
  killAllNow(): void;
}

const OUTPUT_TAIL_CHARS = 4_000;

export function createChildRegistry(): ChildRegistry {
  const live = new Set<ChildProcess>();
  const outputs = new WeakMap<ChildProcess, { text: string }>();

  function spawnNode(name: string, options: SpawnOptions): ChildProcess {
    const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', options.pipeStdout ? 'pipe' : 'ignore', 'pipe'];
    if (options.ipc) stdio.push('ipc');
    const child = spawn(process.execPath, [...options.args], { cwd: options.cwd, env: options.env ?? process.env, stdio });
    live.add(child);
    const output = { text: '' };
    outputs.set(child, output);
    // Always drain the pipes: a full pipe would block the child mid-benchmark.
    const keep = (chunk: Buffer) => {
      output.text = (output.text + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => live.delete(child));
    child.once('error', (error) => {
      output.text += `\n[${name}] spawn error: ${error.message}`;
      live.delete(child);
    });
    return child;
  }

  function spawnServer(name: string, options: ServerSpawnOptions): Promise<ChildServer> {
    const child = spawnNode(name, { ...options, pipeStdout: true });
    return new Promise<ChildServer>((resolve, reject) => {
      let stdout = '';
      const fail = (why: string) => {
        cleanup();
        void stop(child);
        reject(new Error(`${name} did not start: ${why}\n${outputs.get(child)?.text ?? ''}`));
      };
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = options.readyPattern.exec(stdout);
        if (match?.[1] && child.pid !== undefined) {
          cleanup();
          resolve({ name, pid: child.pid, origin: match[1], process: child });
        }
      };
      const onExit = (code: number | null, signal: string | null) => fail(`exited (code ${code}, signal ${signal})`);
      const onError = (error: Error) => fail(error.message);
      const timer = setTimeout(() => fail(`no ready line within ${options.timeoutMs} ms`), options.timeoutMs);
      function cleanup() {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.removeListener('exit', onExit);
        child.removeListener('error', onError);
      }
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  }

  function stop(child: ChildProcess, graceMs = 3_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  return {
    spawnNode,
    spawnServer,
    outputOf: (child) => outputs.get(child)?.text ?? '',
    stop,
    async stopAll() {
      await Promise.all([...live].map((child) => stop(child)));
    },
    killAllNow() {
      for (const child of live) child.kill('SIGKILL');
      live.clear();
    },
  };
}
