import { describe, expect, it } from 'vitest';
import { createCallerProcessCache } from '../../../main/attribution/caller-process-cache.js';

const owner = (pid: number, startTime?: string) => ({ pid, exePath: '/usr/bin/x', ...(startTime === undefined ? {} : { startTime }) });
const named = (name: string, pid: number) => ({ name, pid, exePath: '/usr/bin/x' });

describe('createCallerProcessCache', () => {
  it('keys by pid and start time: a reused pid with a new start time is a miss', () => {
    const cache = createCallerProcessCache();
    cache.set(owner(100, '5000'), named('sync_notes.py', 100));
    expect(cache.get(owner(100, '5000'))?.name).toBe('sync_notes.py');
    expect(cache.get(owner(100, '9000'))).toBeUndefined();
  });

  it('remembers a process that could not be named (null) apart from one never seen (undefined)', () => {
    const cache = createCallerProcessCache();
    cache.set(owner(1, '1'), null);
    expect(cache.get(owner(1, '1'))).toBeNull();
    expect(cache.get(owner(2, '1'))).toBeUndefined();
  });

  it('never caches an owner without a start time', () => {
    const cache = createCallerProcessCache();
    cache.set(owner(3), named('a', 3));
    expect(cache.get(owner(3))).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it('drops the least recently used entry past its capacity', () => {
    const cache = createCallerProcessCache(2);
    cache.set(owner(1, '1'), named('a', 1));
    cache.set(owner(2, '1'), named('b', 2));
    cache.get(owner(1, '1'));
    cache.set(owner(3, '1'), named('c', 3));
    expect(cache.size()).toBe(2);
    expect(cache.get(owner(2, '1'))).toBeUndefined();
    expect(cache.get(owner(1, '1'))?.name).toBe('a');
  });
});
