// Runs a real coding agent's CLI (Codex, Claude Code, Qwen Code: the binaries npm installed in
// node_modules/.bin) to completion for an e2e test: only the environment it is given (no keys or
// HOME leak in from the machine), stdin closed, output captured, and a deadline after which its
// whole process group is SIGKILLed, so an agent stuck on the network can never hang the suite.
// It only ever kills the processes it started, by their group id.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli-process.js';

export interface AgentRun {
  /** Exit code, or the signal's name when killed by one. */
  exit: number | string;
  stdout: string;
  stderr: string;
  /** The deadline passed and the process group was killed. */
  timedOut: boolean;
}

export interface AgentOptions {
  cwd: string;
  /** The agent's whole environment, apart from PATH. */
  env: Record<string, string>;
  /** Kills the agent after this long; it is a hang guard, not a timing assertion. */
  deadlineMs: number;
}

/** node_modules/.bin/<name>; throws with the install hint when npm did not put it there. */
export function agentBinary(name: 'codex' | 'claude' | 'qwen'): string {
  const path = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci (the real agents are pinned dev dependencies)`);
  return path;
}

export function runAgent(binary: string, args: string[], options: AgentOptions): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: the npm launcher (codex.js) runs the native binary as a child, and
      // agents run tool commands in shells; one kill of the group reaches them all.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.deadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the agent left running in its group (a tool's shell) goes with it.
      killGroup();
      resolve({ exit: code ?? signal ?? -1, stdout, stderr, timedOut });
    });
  });
}
