import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readProcessCpuMs, readProcessesCpuMs, readThreadsCpuMs } from '../../bench/read-process-cpu.js';

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

  it.runIf(process.platform === 'linux')('reads the CPU time of the threads with a given name, 0 when none has it (real /proc)', () => {
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil);
    const mainName = readFileSync(`/proc/${process.pid}/task/${process.pid}/comm`, 'utf8').trim();
    expect(readThreadsCpuMs(process.pid, mainName)).toBeGreaterThan(0);
    expect(readThreadsCpuMs(process.pid, 'no-such-thread')).toBe(0);
    expect(readThreadsCpuMs(2 ** 22 + 12_345, mainName)).toBeUndefined();
  });
});
