import { describe, expect, it } from 'vitest';
import { createTimeOrderedRequestId } from '../../../main/core/time-ordered-request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createTimeOrderedRequestId', () => {
  it('makes RFC 9562 version-7 UUIDs whose first 48 bits are the milliseconds', () => {
    const ms = Date.UTC(2026, 11, 7, 15, 30, 0, 123);
    const next = createTimeOrderedRequestId({ now: () => ms });
    const id = next();
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
  });

  it('sorts by time across milliseconds, as text (the index order)', () => {
    let ms = 1_700_000_000_000;
    const next = createTimeOrderedRequestId({ now: () => ms });
    const ids: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      ids.push(next());
      if (i % 7 === 6) ms += 1;
    }
    const byMs = ids.map((id) => id.slice(0, 13));
    expect([...byMs].sort()).toEqual(byMs);
  });

  it('keeps ids unique within one millisecond and across random refills', () => {
    const next = createTimeOrderedRequestId({ now: () => 1_700_000_000_000 });
    const ids = new Set(Array.from({ length: 10_000 }, () => next()));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('draws its random bits from the given source, 256 ids per draw', () => {
    let draws = 0;
    const next = createTimeOrderedRequestId({
      now: () => 0,
      fillRandom: (buffer) => {
        draws++;
        buffer.fill(0xff);
      },
    });
    const first = next();
    // All-ones random bits, with the version and variant bits forced.
    expect(first).toBe('00000000-0000-7fff-bfff-ffffffffffff');
    for (let i = 1; i < 256; i++) next();
    expect(draws).toBe(1);
    next();
    expect(draws).toBe(2);
  });

  it('encodes times past 2^32 ms and the 48-bit range correctly', () => {
    const ms = 0xffff_ffff_fffe;
    const id = createTimeOrderedRequestId({ now: () => ms })();
    expect(id.slice(0, 13)).toBe('ffffffff-fffe');
  });
});
