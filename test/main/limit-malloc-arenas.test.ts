import { describe, expect, it } from 'vitest';
import { limitMallocArenas, M_ARENA_MAX, MALLOC_ARENA_LIMIT, type MallocArenaEnvironment, type Mallopt } from '../../main/limit-malloc-arenas.js';

/** A fake process: its platform, environment and glibc's mallopt, recording the calls made. */
function fakeProcess(overrides: Partial<MallocArenaEnvironment> & { answer?: number } = {}) {
  const calls: [number, number][] = [];
  let loads = 0;
  const mallopt: Mallopt = (parameter, value) => {
    calls.push([parameter, value]);
    return overrides.answer ?? 1;
  };
  const environment: MallocArenaEnvironment = {
    platform: overrides.platform ?? 'linux',
    env: overrides.env ?? {},
    loadMallopt: overrides.loadMallopt ?? (() => {
      loads++;
      return mallopt;
    }),
  };
  return { environment, calls, loads: () => loads };
}

describe('limitMallocArenas', () => {
  it('sets M_ARENA_MAX to the limit through glibc on Linux', () => {
    const { environment, calls } = fakeProcess();
    expect(limitMallocArenas(environment)).toBe('limited');
    expect(calls).toEqual([[M_ARENA_MAX, MALLOC_ARENA_LIMIT]]);
    expect(M_ARENA_MAX).toBe(-8);
  });

  it("leaves an operator's MALLOC_ARENA_MAX or glibc tunable alone, without loading the FFI", () => {
    for (const env of [{ MALLOC_ARENA_MAX: '4' }, { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1:glibc.malloc.arena_max=8' }]) {
      const { environment, calls, loads } = fakeProcess({ env });
      expect(limitMallocArenas(environment)).toBe('operator');
      expect(calls).toEqual([]);
      expect(loads()).toBe(0);
    }
    // A tunable for something else is not an arena setting.
    const other = fakeProcess({ env: { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1' } });
    expect(limitMallocArenas(other.environment)).toBe('limited');
  });

  it('changes nothing off Linux, without glibc or without the FFI', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { environment, calls, loads } = fakeProcess({ platform });
      expect(limitMallocArenas(environment)).toBe('unavailable');
      expect(calls).toEqual([]);
      expect(loads()).toBe(0);
    }
    expect(limitMallocArenas(fakeProcess({ loadMallopt: () => null }).environment)).toBe('unavailable');
    const throwing = fakeProcess({ loadMallopt: () => () => { throw new Error('bad call'); } });
    expect(limitMallocArenas(throwing.environment)).toBe('unavailable');
  });

  it('reports a value glibc refused', () => {
    expect(limitMallocArenas(fakeProcess({ answer: 0 }).environment)).toBe('refused');
  });
});
