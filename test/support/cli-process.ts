// The real `switchboard serve` as a child process, for tests that run the CLI as a user does or
// kill it mid-traffic: builds dist/ when a source is newer than the last build, spawns
// bin/switchboard.js with a clean environment in a given folder, and resolves the URL of its
// ready line. Only ever kills the processes it started, by their handle.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'switchboard.js');
const READY = /^Switchboard listening on (http:\/\/127\.0\.0\.1:(\d+))$/m;

/**
 * Sources changed since the last build (tsconfig.main.json's inputs). The build info file is
 * rewritten by every tsc run, so it dates the build even when tsc skips re-emitting a file.
 */
function changedSinceBuild(): string[] {
  const buildInfo = join(ROOT, 'dist', '.tsbuildinfo');
  if (!existsSync(buildInfo) || !existsSync(join(ROOT, 'dist', 'main', 'switchboard.mjs')) || !existsSync(join(ROOT, 'dist', 'main', 'switchboard.cjs'))) return ['(no build)'];
  const builtAt = statSync(buildInfo).mtimeMs;
  const changed: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(ROOT, 'main', 'app')) walk(path);
      } else if (entry.name.endsWith('.ts') && statSync(path).mtimeMs > builtAt) {
        changed.push(path);
      }
    }
  };
  for (const dir of ['main', 'shared', 'bench']) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return changed;
}

/**
 * Builds the CLI when dist/ is older than a source (about 10 s) and reports whether the compiled
 * CLI exists. tsc still emits when some unrelated file has a type error (the typecheck reports
 * those), so its exit code is not the caller's business; the compiled CLI existing afterwards is.
 */
export function ensureBuiltCli(): boolean {
  if (changedSinceBuild().length > 0) {
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.main.json')], { cwd: ROOT, stdio: 'ignore' });
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: ROOT, stdio: 'ignore' });
  }
  return existsSync(join(ROOT, 'dist', 'main', 'cli.js'));
}

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name if killed by one). */
  exited: Promise<number | string>;
}

const started = new Set<ChildProcess>();

/** SIGKILLs every CLI this file started that is still running; for afterEach. */
export function killStartedClis(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

/** `switchboard <args>` in `cwd`, with a clean environment plus `env` (no keys leak in from the machine). */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Cli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, SWITCHBOARD_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (err += text));
  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves with the URL once the ready line (or `line`) is printed; rejects if the process exits first. */
export function ready(cli: Cli, line: RegExp = READY): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = line.exec(cli.stdout());
      if (match) {
        cli.child.stdout!.off('data', check);
        resolve(match[1]!);
      }
    };
    cli.child.stdout!.on('data', check);
    check();
    void cli.exited.then((code) => reject(new Error(`switchboard exited (${code}) before its ready line; stderr: ${cli.stderr()}`)));
  });
}

/**
 * Resolves with stderr once it matches `pattern`. The ready line comes on stdout and a warning
 * logged before it on stderr: two pipes the test reads independently, so stderr may arrive after
 * the ready line. Rejects with what stderr holds if the process exits or 10 s pass first.
 */
export function stderrMatching(cli: Cli, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms; stderr: ${cli.stderr()}`)), timeoutMs);
    const check = () => {
      if (pattern.test(cli.stderr())) finish();
    };
    function finish(error?: Error): void {
      clearTimeout(timer);
      cli.child.stderr!.off('data', check);
      if (error) reject(error);
      else resolve(cli.stderr());
    }
    cli.child.stderr!.on('data', check);
    void cli.exited.then(() => finish(pattern.test(cli.stderr()) ? undefined : new Error(`switchboard exited before stderr matched ${pattern}; stderr: ${cli.stderr()}`)));
    check();
  });
}
