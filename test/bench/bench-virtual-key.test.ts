import { describe, expect, it } from 'vitest';
import { ledgerFindings, recordedWhenSettled, requestsUnderAlias } from '../../bench/bench-virtual-key.js';

describe('bench-virtual-key', () => {
  it.each([
    ['the group labelled with the alias', [{ group: 'key_1', label: 'bench', requests: 120 }, { group: '', label: null, requests: 7 }], 120],
    ['several keys with the same alias, added up', [{ group: 'key_1', label: 'bench', requests: 5 }, { group: 'key_2', label: 'bench', requests: 6 }], 11],
    ['0 when no group has the alias', [{ group: 'key_9', label: 'other', requests: 50 }], 0],
    ['0 for an empty summary', [], 0],
    ['a group id equal to the alias is not a label', [{ group: 'bench', label: null, requests: 3 }], 0],
  ])('requestsUnderAlias counts %s', (_name, groups, expected) => {
    expect(requestsUnderAlias({ groups }, 'bench')).toBe(expected);
  });

  it.each([null, {}, { groups: 'x' }])('requestsUnderAlias refuses a summary without groups (%j)', (summary) => {
    expect(() => requestsUnderAlias(summary ?? {}, 'bench')).toThrow(/without groups/);
  });

  it('notes a ledger that recorded every request sent', () => {
    expect(ledgerFindings('gateway + virtual key', 'bench', 41_202, 41_202)).toEqual({
      notes: ['gateway + virtual key: the usage ledger holds 41,202 usage rows under key "bench" for 41,202 requests sent (every request metered).'],
      warnings: [],
    });
  });

  it.each([[41_201, 41_202], [41_203, 41_202], [0, 10]])('warns when the ledger holds %i rows for %i requests', (recorded, sent) => {
    const findings = ledgerFindings('gateway + virtual key', 'bench', recorded, sent);
    expect(findings.notes).toEqual([]);
    expect(findings.warnings).toHaveLength(1);
    expect(findings.warnings[0]).toMatch(/metering lost or duplicated requests$/);
  });

  describe('recordedWhenSettled', () => {
    /** Reads that return the given counts in turn (the last one from then on), on a fake clock advanced by sleep. */
    function scripted(counts: number[]) {
      let clock = 0;
      let reads = 0;
      return {
        read: async () => counts[Math.min(reads++, counts.length - 1)]!,
        options: { timeoutMs: 1_000, intervalMs: 100, now: () => clock, sleep: async (ms: number) => void (clock += ms) },
        reads: () => reads,
      };
    }

    it('waits for the other replica\'s last batch: reads again until the count reaches what was sent', async () => {
      const ledger = scripted([90, 98, 100]);
      expect(await recordedWhenSettled(ledger.read, 100, ledger.options)).toBe(100);
      expect(ledger.reads()).toBe(3);
    });

    it('answers at once when every row is already there', async () => {
      const ledger = scripted([100]);
      expect(await recordedWhenSettled(ledger.read, 100, ledger.options)).toBe(100);
      expect(ledger.reads()).toBe(1);
    });

    it('reports a duplicate at once (more rows than requests never settles down)', async () => {
      const ledger = scripted([101]);
      expect(await recordedWhenSettled(ledger.read, 100, ledger.options)).toBe(101);
      expect(ledger.reads()).toBe(1);
    });

    it('gives up at the deadline and reports the short count, so lost rows still show as lost', async () => {
      const ledger = scripted([97]);
      expect(await recordedWhenSettled(ledger.read, 100, ledger.options)).toBe(97);
      expect(ledger.reads()).toBe(11);
    });
  });
});
