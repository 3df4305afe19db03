// Refused requests leave rows, but a caller without a valid key cannot make the gateway write
// without bound: per address and minute, the first N are recorded, the rest counted in one line.
import { describe, expect, it } from 'vitest';
import { createRefusedRowCap } from '../../../main/gateway/plugins/refused-row-cap.js';

function setup(options: { perMinute?: number; maxClients?: number } = {}) {
  let t = 1_000_000;
  const warnings: string[] = [];
  const cap = createRefusedRowCap({ now: () => t, log: { warn: (_fields: unknown, message?: string) => void warnings.push(message ?? '') } as never, ...options });
  return { cap, warnings, advance: (ms: number) => void (t += ms) };
}

describe('createRefusedRowCap', () => {
  it('records the first refusals of a minute per address, then only counts them, with one warning', () => {
    const { cap, warnings } = setup({ perMinute: 3 });
    expect([1, 2, 3, 4, 5].map(() => cap.admit('127.0.0.1'))).toEqual([true, true, true, false, false]);
    expect(warnings).toEqual(['more than 3 requests a minute from 127.0.0.1 were refused by authentication; the rest of this minute\'s are refused as before but not recorded as usage rows']);
  });

  it('keeps addresses apart', () => {
    const { cap } = setup({ perMinute: 1 });
    expect(cap.admit('127.0.0.1')).toBe(true);
    expect(cap.admit('127.0.0.1')).toBe(false);
    expect(cap.admit('::1')).toBe(true);
  });

  it('records again in the next minute', () => {
    const { cap, warnings, advance } = setup({ perMinute: 1 });
    cap.admit('127.0.0.1');
    expect(cap.admit('127.0.0.1')).toBe(false);
    advance(60_000);
    expect(cap.admit('127.0.0.1')).toBe(true);
    expect(cap.admit('127.0.0.1')).toBe(false);
    expect(warnings).toHaveLength(2);
  });

  it('forgets every address when it holds too many, so memory stays bounded', () => {
    const { cap } = setup({ perMinute: 1, maxClients: 2 });
    cap.admit('10.0.0.1');
    expect(cap.admit('10.0.0.1')).toBe(false);
    cap.admit('10.0.0.2');
    cap.admit('10.0.0.3');
    expect(cap.admit('10.0.0.1')).toBe(true);
  });
});
