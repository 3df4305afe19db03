// The agent runner the real-agent e2e tests stand on: the agent sees only the environment it is
// given, and nothing it started outlives the run, whether it exits by itself or hangs past its
// deadline. Real processes (sh, sleep), waited on by their exit, never by the clock.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runAgent } from './agent-process.js';

/** A process is gone once it no longer exists, or is a zombie (dead, not yet reaped; Linux's /proc says). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') === true;
}

/** Polls (10 ms apart, at most 5 s) until `pid` is gone: a SIGKILL takes effect asynchronously. */
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (gone(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('runAgent', () => {
  it('gives the agent only the environment it is given, plus PATH', async () => {
    process.env.SWITCHBOARD_TEST_LEAK = 'must-not-reach-the-agent';
    try {
      const run = await runAgent('/bin/sh', ['-c', 'env'], { cwd: tmpdir(), env: { HOME: '/nonexistent', ONLY: 'this' }, deadlineMs: 60_000 });
      expect(run).toMatchObject({ exit: 0, timedOut: false });
      const names = run.stdout.split('\n').map((line) => line.split('=')[0]).filter((name) => name && name !== 'PWD' && name !== 'SHLVL' && name !== '_');
      expect(names.sort()).toEqual(['HOME', 'ONLY', 'PATH']);
    } finally {
      delete process.env.SWITCHBOARD_TEST_LEAK;
    }
  });

  it('kills what the agent left running in its process group once it exits', async () => {
    // The background sleep holds no pipe, so the run ends when sh does; the sleep must not survive it.
    const run = await runAgent('/bin/sh', ['-c', 'sleep 300 >/dev/null 2>&1 & echo $!'], { cwd: tmpdir(), env: {}, deadlineMs: 60_000 });
    expect(run).toMatchObject({ exit: 0, timedOut: false });
    const left = Number(run.stdout.trim());
    expect(left).toBeGreaterThan(0);
    expect(await waitGone(left)).toBe(true);
  });

  it('kills the whole process group of an agent that hangs past its deadline, and says so', async () => {
    // sh waits on a sleep that holds the stdout pipe: neither ends by itself. The run ends only when
    // the pipe closes, so it resolving at all proves the sleep died with sh, not sh alone.
    const run = await runAgent('/bin/sh', ['-c', 'sleep 300 & wait'], { cwd: tmpdir(), env: {}, deadlineMs: 300 });
    expect(run.timedOut).toBe(true);
    expect(run.exit).toBe('SIGKILL');
  });
});
