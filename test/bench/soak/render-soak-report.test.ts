import { describe, expect, it } from 'vitest';
import type { LedgerAudit } from '../../../bench/soak/audit-ledger.js';
import { renderSoakReport, type SoakFindings } from '../../../bench/soak/render-soak-report.js';

const MB = 1024 * 1024;
const cleanAudit: LedgerAudit = {
  integrity: 'ok', rows: 10, statuses: { success: 7, client_aborted: 3 }, missing: [], unexpected: 0, rollupMismatches: [], overBudget: [], worstBudgetRatio: 0.5,
};
const findings: SoakFindings = {
  header: 'machine line',
  churn: {
    sent: 10, admitted: 10, completed: 7, disconnected: 3, refused: {}, failures: [], requestIds: new Set(), rssSamples: [100 * MB, 150 * MB, 158 * MB, 160 * MB, 159 * MB, 157 * MB, 160 * MB, 158 * MB], elapsedMs: 4_200,
  },
  churnAudit: cleanAudit,
  idleRssBytes: 80 * MB,
  settledRssBytes: 120 * MB,
  parallelCheck: { 200: 5 },
  concurrency: 5,
  socketsBefore: 5,
  socketsAfter: 7,
  socketAllowance: 8,
  crashes: [{ answered: 200, refused: 0, interrupted: 4, audit: cleanAudit }],
  exit: 'exit code 0',
};

describe('renderSoakReport', () => {
  it('passes a clean run and prints its figures', () => {
    const report = renderSoakReport(findings);
    expect(report.passed).toBe(true);
    expect(report.text).not.toContain('FAIL');
    // The fixture's quarters peak at 150 (warm-up), 160, 159 and 160 MB.
    expect(report.text).toContain('PASS RSS flat after the first quarter');
    expect(report.text).toContain('| admitted / completed / client disconnected | 10 / 7 / 3 |');
    expect(report.text).toContain('| RSS idle / highest in each quarter of the run / settled after it | 80 MB / 150 MB, 160 MB, 159 MB, 160 MB / 120 MB |');
    expect(report.text).toContain('| 1 | 200 | 0 | 4 | 0 | ok | yes | 50.0 % |');
  });

  it.each<[string, Partial<SoakFindings>, string]>([
    ['a leaked slot', { parallelCheck: { 200: 4, 429: 1 } }, 'FAIL no parallel slot leaked'],
    ['a missing usage row', { churnAudit: { ...cleanAudit, missing: ['r9'] } }, 'FAIL exactly one usage row per answered request'],
    ['a failed request', { churn: { ...findings.churn, failures: ['request failed: socket hang up'] } }, 'FAIL no request failed'],
    ['sockets left open', { socketsAfter: 40 }, 'FAIL sockets back to their level'],
    ['an unbilled answer after a kill', { crashes: [{ answered: 200, refused: 0, interrupted: 0, audit: { ...cleanAudit, missing: ['r1'] } }] }, 'FAIL kill 1'],
    ['a crashed gateway', { exit: 'killed by SIGSEGV' }, 'FAIL the gateway never crashed'],
    ['RSS that grows after the warm-up', { churn: { ...findings.churn, rssSamples: [100 * MB, 150 * MB, 155 * MB, 158 * MB, 162 * MB, 165 * MB, 170 * MB, 161 * MB] } }, 'FAIL RSS flat after the first quarter'],
    ['RSS that falls by more than the allowance', { churn: { ...findings.churn, rssSamples: [100 * MB, 150 * MB, 150 * MB, 150 * MB, 140 * MB, 140 * MB, 139 * MB, 139 * MB] } }, 'FAIL RSS flat after the first quarter'],
  ])('fails on %s', (_name, change, line) => {
    const report = renderSoakReport({ ...findings, ...change });
    expect(report.passed).toBe(false);
    expect(report.text).toContain(line);
  });
});
