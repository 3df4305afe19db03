import { describe, expect, it } from 'vitest';
import { BUSY_TRIM_FREE_BYTES, IDLE_CHECK_MS, IDLE_CPU_SHARE, trimMallocWhenIdle, type IdleTrimEnvironment } from '../../main/trim-malloc-when-idle.js';

/** A fake process whose CPU clock the test advances, and whose interval the test fires by hand. */
function fakeProcess(overrides: Partial<IdleTrimEnvironment> = {}) {
  let cpu = 0;
  let trims = 0;
  let free = 0;
  let loads = 0;
  let tick: (() => void) | undefined;
  let intervalMs: number | undefined;
  const environment: IdleTrimEnvironment = {
    platform: overrides.platform ?? 'linux',
    env: overrides.env ?? {},
    loadMallocTrim: overrides.loadMallocTrim ?? (() => {
      loads++;
      return () => {
        trims++;
        // The trim itself takes CPU: it must not count as work to trim after.
        cpu += 1_500;
      };
    }),
    loadMallocFreeBytes: overrides.loadMallocFreeBytes ?? (() => () => free),
    cpuMicros: () => cpu,
    every: (ms, fn) => {
      intervalMs = ms;
      tick = fn;
    },
  };
  const quiet = IDLE_CHECK_MS * 1_000 * IDLE_CPU_SHARE;
  return {
    environment,
    /** One check interval in which the process used `micros` of CPU. */
    interval(micros: number) {
      cpu += micros;
      tick?.();
    },
    /** What glibc reports free from now on. */
    setFree(bytes: number) {
      free = bytes;
    },
    busy: quiet * 10,
    idle: quiet / 4,
    trims: () => trims,
    loads: () => loads,
    intervalMs: () => intervalMs,
    scheduled: () => tick !== undefined,
  };
}

describe('trimMallocWhenIdle', () => {
  it('trims once when a busy interval is followed by a quiet one, and not again until work comes back', () => {
    const p = fakeProcess();
    expect(trimMallocWhenIdle(p.environment)).toBe('on');
    expect(p.intervalMs()).toBe(IDLE_CHECK_MS);
    // Start-up was work: the first quiet interval trims.
    p.interval(p.idle);
    expect(p.trims()).toBe(1);
    p.interval(p.idle);
    p.interval(p.idle);
    expect(p.trims()).toBe(1);
    // Under load: never (the pages would only be dirtied again).
    p.interval(p.busy);
    p.interval(p.busy);
    expect(p.trims()).toBe(1);
    p.interval(p.idle);
    expect(p.trims()).toBe(2);
    p.interval(p.idle);
    expect(p.trims()).toBe(2);
  });

  it('treats an interval just under the quiet share as quiet and one at it as work', () => {
    const p = fakeProcess();
    trimMallocWhenIdle(p.environment);
    const quiet = IDLE_CHECK_MS * 1_000 * IDLE_CPU_SHARE;
    p.interval(quiet); // work
    expect(p.trims()).toBe(0);
    p.interval(quiet - 1);
    expect(p.trims()).toBe(1);
  });

  it("leaves an operator's trim threshold alone, without loading the FFI", () => {
    for (const env of [{ MALLOC_TRIM_THRESHOLD_: '131072' }, { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=65536' }]) {
      const p = fakeProcess({ env });
      expect(trimMallocWhenIdle(p.environment)).toBe('operator');
      expect(p.loads()).toBe(0);
      expect(p.scheduled()).toBe(false);
    }
    // Another tunable is not a trim setting.
    const other = fakeProcess({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' } });
    expect(trimMallocWhenIdle(other.environment)).toBe('on');
  });

  it('does nothing off Linux or without glibc or the FFI', () => {
    const mac = fakeProcess({ platform: 'darwin' });
    expect(trimMallocWhenIdle(mac.environment)).toBe('unavailable');
    expect(mac.loads()).toBe(0);
    expect(mac.scheduled()).toBe(false);
    const musl = fakeProcess({ loadMallocTrim: () => null });
    expect(trimMallocWhenIdle(musl.environment)).toBe('unavailable');
    expect(musl.scheduled()).toBe(false);
  });

  it('trims during work only while glibc holds more than BUSY_TRIM_FREE_BYTES free', () => {
    const p = fakeProcess();
    trimMallocWhenIdle(p.environment);
    p.setFree(BUSY_TRIM_FREE_BYTES);
    p.interval(p.busy);
    expect(p.trims()).toBe(0);
    // A spike's leftovers: trimmed at the next check, busy or not, and at each check they remain.
    p.setFree(BUSY_TRIM_FREE_BYTES + 1);
    p.interval(p.busy);
    expect(p.trims()).toBe(1);
    p.interval(p.busy);
    expect(p.trims()).toBe(2);
    p.setFree(1024);
    p.interval(p.busy);
    expect(p.trims()).toBe(2);
    // The quiet interval after the work still trims once.
    p.interval(p.idle);
    expect(p.trims()).toBe(3);
    // Quiet with much free but no work since the last trim: nothing to gain from another.
    p.setFree(BUSY_TRIM_FREE_BYTES * 4);
    p.interval(p.idle);
    expect(p.trims()).toBe(3);
  });

  it('trims during work never where the free bytes cannot be read (glibc before 2.33), or their reading fails', () => {
    for (const loadMallocFreeBytes of [() => null, () => () => {
      throw new Error('ffi failure');
    }]) {
      const p = fakeProcess({ loadMallocFreeBytes });
      expect(trimMallocWhenIdle(p.environment)).toBe('on');
      p.interval(p.busy);
      p.interval(p.busy);
      expect(p.trims()).toBe(0);
      p.interval(p.idle);
      expect(p.trims()).toBe(1);
    }
  });

  it('keeps checking after a trim that throws', () => {
    let calls = 0;
    const p = fakeProcess({ loadMallocTrim: () => () => {
      calls++;
      throw new Error('ffi failure');
    } });
    trimMallocWhenIdle(p.environment);
    p.interval(p.idle);
    p.interval(p.busy);
    p.interval(p.idle);
    expect(calls).toBe(2);
  });
});
