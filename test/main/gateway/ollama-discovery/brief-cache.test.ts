import { describe, expect, it } from 'vitest';
import { createBriefCache } from '../../../../main/gateway/ollama-discovery/brief-cache.js';

describe('createBriefCache', () => {
  it('shares one load per key within the window, failures included, and loads again after it', async () => {
    let t = 0;
    let loads = 0;
    const cache = createBriefCache<number>(() => t, 1000);
    const load = () => Promise.resolve(++loads);
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    expect(await cache.get('b', load)).toBe(2);
    t = 999;
    expect(await cache.get('a', load)).toBe(1);
    t = 1000;
    expect(await cache.get('a', load)).toBe(3);
    const failing = () => Promise.reject(new Error('down'));
    await expect(cache.get('c', failing)).rejects.toThrow('down');
    await expect(cache.get('c', load)).rejects.toThrow('down');
  });
});
