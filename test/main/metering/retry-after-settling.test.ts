// The admission retry both budget ledgers share: once, only when money is held, synchronous on a
// synchronous engine.
import { describe, expect, it, vi } from 'vitest';
import type { ReserveResult } from '../../../main/metering/budget-ledger.js';
import { retryAfterSettling } from '../../../main/metering/retry-after-settling.js';

const refused = (reservedMicros: number) => ({ ok: false, reason: 'budget_exceeded', reservedMicros }) as ReserveResult;
const admitted: ReserveResult = { ok: true, reservedMicros: 5, skipped: false };
const clock = { now: () => 1_000 };

describe('retryAfterSettling', () => {
  it('settles once and asks again when refused with money held, synchronously when everything is', () => {
    const attempt = vi.fn().mockReturnValueOnce(refused(10)).mockReturnValueOnce(admitted);
    const beforeRefusing = vi.fn();
    const result = retryAfterSettling({ clock, leaseMs: 60, beforeRefusing }, attempt, 'app', 'r1', 5);
    expect(result).toBe(admitted);
    expect(beforeRefusing).toHaveBeenCalledTimes(1);
    expect(attempt).toHaveBeenNthCalledWith(1, 'app', 'r1', 5, 1_000, 1_060);
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('does not retry a refusal with nothing held, nor without beforeRefusing', () => {
    const beforeRefusing = vi.fn();
    expect(retryAfterSettling({ clock, leaseMs: 60, beforeRefusing }, () => refused(0), 'k', 'r', 5)).toEqual(refused(0));
    expect(beforeRefusing).not.toHaveBeenCalled();
    const attempt = vi.fn(() => refused(10));
    retryAfterSettling({ clock, leaseMs: 60 }, attempt, 'k', 'r', 5);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('waits for an asynchronous flush, and retries even when it fails', async () => {
    const attempt = vi.fn().mockResolvedValueOnce(refused(10)).mockResolvedValueOnce(admitted);
    await expect(retryAfterSettling({ clock, leaseMs: 60, beforeRefusing: () => Promise.reject(new Error('down')) }, attempt, 'k', 'r', 5)).resolves.toBe(admitted);
  });
});
