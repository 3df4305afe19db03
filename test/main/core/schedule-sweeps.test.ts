// The sweep scheduler: jobs run on their period only while this process leads, an error is logged
// and retried at the next tick, a slow round never overlaps the next, and close() stops it all.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleSweeps, type SweepJob } from '../../../main/core/schedule-sweeps.js';
import { captureLog } from '../storage/storage-test-kit.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scheduleSweeps', () => {
  it('runs each job every everyMs, only while leader', async () => {
    let leader = false;
    const runs: string[] = [];
    const jobs: SweepJob[] = [
      { name: 'budget-resets', everyMs: 1000, run: () => void runs.push('budget-resets') },
      { name: 'expired-reservations', everyMs: 3000, run: async () => void runs.push('expired-reservations') },
    ];
    const sweeps = scheduleSweeps({ jobs, isLeader: () => leader, log: captureLog() });
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toEqual([]);
    leader = true;
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs.filter((r) => r === 'budget-resets')).toHaveLength(3);
    expect(runs.filter((r) => r === 'expired-reservations')).toHaveLength(1);
    leader = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toHaveLength(4);
    await sweeps.close();
  });

  it('logs a failing round and runs the job again at the next tick', async () => {
    const log = captureLog();
    let calls = 0;
    const sweeps = scheduleSweeps({
      jobs: [{ name: 'retention', everyMs: 500, run: () => { calls += 1; if (calls === 1) throw new Error('database unavailable'); } }],
      isLeader: () => true,
      log,
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['sweep retention failed; it runs again in 500 ms']);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(2);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    await sweeps.close();
  });

  it('never starts a round while the previous one of the same job is still running', async () => {
    let running = 0;
    let most = 0;
    let finish: () => void = () => undefined;
    const sweeps = scheduleSweeps({
      jobs: [{ name: 'slow', everyMs: 100, run: () => new Promise<void>((resolve) => { running += 1; most = Math.max(most, running); finish = () => { running -= 1; resolve(); }; }) }],
      isLeader: () => true,
      log: captureLog(),
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(most).toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(running).toBe(1);
    expect(most).toBe(1);
    finish();
    await sweeps.close();
  });

  it('close() waits for the round in flight and starts nothing after it', async () => {
    const runs: number[] = [];
    let finish: () => void = () => undefined;
    const sweeps = scheduleSweeps({
      jobs: [{ name: 'j', everyMs: 100, run: () => new Promise<void>((resolve) => { runs.push(1); finish = resolve; }) }],
      isLeader: () => true,
      log: captureLog(),
    });
    await vi.advanceTimersByTimeAsync(100);
    let closed = false;
    const closing = sweeps.close().then(() => { closed = true; });
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    finish();
    await closing;
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(1);
  });
});
