import { describe, expect, it } from 'vitest';
import { ledgerFindings, requestsUnderAlias } from '../../bench/bench-virtual-key.js';

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
});
