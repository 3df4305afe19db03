import { describe, expect, it } from 'vitest';
import { replicaCpuFindings } from '../../bench/replica-cpu-findings.js';

describe('replica-cpu-findings', () => {
  it('notes each replica\'s CPU time and share when the load reached both', () => {
    expect(replicaCpuFindings('team', [12_300, 11_700])).toEqual({
      notes: ['team: CPU time used since start, by replica: replica 1 12.3 s (51 %), replica 2 11.7 s (49 %).'],
      warnings: [],
    });
  });

  it('warns when a replica did almost none of the work (the load was not spread)', () => {
    const findings = replicaCpuFindings('team', [20_000, 900]);
    expect(findings.notes).toHaveLength(1);
    expect(findings.warnings).toEqual(['team: replica 2 did under 20 % of the work: the load was not spread across the replicas']);
  });

  it.each([
    ['a single replica', [5_000]],
    ['an unreadable replica (not Linux, or gone)', [5_000, undefined]],
  ])('says nothing for %s', (_name, cpuMs) => {
    expect(replicaCpuFindings('team', cpuMs)).toEqual({ notes: [], warnings: [] });
  });
});
