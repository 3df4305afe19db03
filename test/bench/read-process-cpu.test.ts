import { describe, expect, it } from 'vitest';
import { readProcessCpuMs, readProcessesCpuMs } from '../../bench/read-process-cpu.js';

describe('read-process-cpu', () => {
  const fake = (table: Record<number, number | undefined>) => (pid: number) => table[pid];

  it('sums the CPU time of every replica process', () => {
    expect(readProcessesCpuMs([11, 12], fake({ 11: 1_250, 12: 730 }))).toBe(1_980);
  });

  it('is one process\'s time for a single pid', () => {
    expect(readProcessesCpuMs([11], fake({ 11: 40 }))).toBe(40);
  });

  it('is undefined when one replica cannot be read: a partial sum would pass for a cheap request', () => {
    expect(readProcessesCpuMs([11, 12], fake({ 11: 1_250 }))).toBeUndefined();
  });

  it('is undefined without any process (the mock baseline has none of its own)', () => {
    expect(readProcessesCpuMs([], fake({}))).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads this very process twice as twice its own time (real /proc)', () => {
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil);
    const both = readProcessesCpuMs([process.pid, process.pid], (pid) => readProcessCpuMs(pid));
    const one = readProcessCpuMs(process.pid);
    expect(one).toBeGreaterThan(0);
    // Ticks are 10 ms: the second read may be a tick or two later than the first.
    expect(both! / 2).toBeLessThanOrEqual(one!);
    expect(both! / 2).toBeGreaterThan(one! - 50);
  });
});
