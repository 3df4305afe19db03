// Turns a soak run's measurements into the Markdown report (figures and one PASS/FAIL line per
// promise). Pure: the numbers in, the text and the verdict out.
import type { LedgerAudit } from './audit-ledger.js';
import { auditPassed } from './audit-ledger.js';
import type { CrashCycle } from './crash-cycles.js';
import type { ChurnResult } from './stream-churn.js';

export interface SoakFindings {
  header: string;
  churn: ChurnResult;
  churnAudit: LedgerAudit;
  idleRssBytes: number | undefined;
  /** RSS once the churn's streams, sockets and usage rows have settled. */
  settledRssBytes: number | undefined;
  parallelCheck: Record<number, number>;
  concurrency: number;
  socketsBefore: number | undefined;
  socketsAfter: number | undefined;
  /** Sockets over the level before the run still open after the settle wait. */
  socketAllowance: number;
  crashes: CrashCycle[];
  /** How the gateway ended: exit code on SIGTERM, or the signal/code of an unexpected exit. */
  exit: string;
}

export interface SoakReport {
  text: string;
  passed: boolean;
}

const MB = 1024 * 1024;
/**
 * How far apart the highest RSS of the run's last three quarters may be (issue 18: flat within
 * ±10 MB over 20,000 streams). The first quarter is the warm-up (pools, compiled code, the heap
 * growing to its working size) and is left out; after it, a spread is growth (a leak) or a
 * shrink worth knowing about.
 */
export const RSS_FLAT_ALLOWANCE_BYTES = 10 * MB;

export function renderSoakReport(f: SoakFindings): SoakReport {
  const checks: [string, boolean][] = [];
  const churnRows = f.churnAudit.statuses;
  const quarterPeaks = [0, 1, 2, 3].map((q) => {
    const samples = f.churn.rssSamples;
    const part = samples.slice(Math.floor((q * samples.length) / 4), Math.floor(((q + 1) * samples.length) / 4));
    return part.length === 0 ? undefined : Math.max(...part);
  });
  const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${Math.round(bytes / MB)} MB`);
  const lines = [
    '## Soak run', '', f.header, '',
    '### Churn: slow streams with random client disconnects', '',
    '| figure | value |', '|---|---|',
    `| streams sent / in flight at once | ${f.churn.sent.toLocaleString('en-US')} / ${f.concurrency} |`,
    `| admitted / completed / client disconnected | ${f.churn.admitted} / ${f.churn.completed} / ${f.churn.disconnected} |`,
    `| refused (by status) | ${Object.entries(f.churn.refused).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none'} |`,
    `| wall time | ${(f.churn.elapsedMs / 1000).toFixed(1)} s |`,
    `| usage rows (by status) | ${f.churnAudit.rows} (${Object.entries(churnRows).map(([s, n]) => `${s} ${n}`).join(', ')}) |`,
    `| answered requests without a row / rows without an answer | ${f.churnAudit.missing.length} / ${f.churnAudit.unexpected} |`,
    `| RSS idle / highest in each quarter of the run / settled after it | ${mb(f.idleRssBytes)} / ${quarterPeaks.map(mb).join(', ')} / ${mb(f.settledRssBytes)} |`,
    `| sockets before / after | ${f.socketsBefore ?? 'n/a'} / ${f.socketsAfter ?? 'n/a'} |`,
    `| ${f.concurrency} parallel streams afterwards (max_parallel_requests ${f.concurrency}) | ${Object.entries(f.parallelCheck).map(([s, n]) => `${s}: ${n}`).join(', ')} |`,
    '',
  ];
  checks.push(['no request failed other than by its own client hanging up', f.churn.failures.length === 0]);
  checks.push(['exactly one usage row per answered request', f.churnAudit.missing.length === 0 && f.churnAudit.unexpected === 0]);
  checks.push(['every admitted stream ended as success or client_aborted', (churnRows.success ?? 0) + (churnRows.client_aborted ?? 0) === f.churn.admitted]);
  checks.push(['no parallel slot leaked (all parallel streams admitted)', f.parallelCheck[200] === f.concurrency]);
  checks.push(['sockets back to their level', f.socketsBefore === undefined || f.socketsAfter === undefined || f.socketsAfter <= f.socketsBefore + f.socketAllowance]);
  checks.push(['ledger intact after churn (integrity, rollups, budget)', auditPassed(f.churnAudit)]);
  const afterWarmUp = quarterPeaks.slice(1).filter((peak): peak is number => peak !== undefined);
  checks.push([`RSS flat after the first quarter (highest of quarters 2-4 within ${RSS_FLAT_ALLOWANCE_BYTES / MB} MB of each other)`,
    afterWarmUp.length < 3 || Math.max(...afterWarmUp) - Math.min(...afterWarmUp) <= RSS_FLAT_ALLOWANCE_BYTES]);

  if (f.crashes.length > 0) {
    lines.push('### Crash: SIGKILL mid-traffic, restart, audit', '',
      '| kill | answered before kill | refused | interrupted rows after restart | unbilled answers | integrity | rollups = raw log | spend / budget |',
      '|---|---|---|---|---|---|---|---|');
    f.crashes.forEach((c, i) => {
      lines.push(`| ${i + 1} | ${c.answered} | ${c.refused} | ${c.interrupted} | ${c.audit.missing.length} | ${c.audit.integrity} | ${c.audit.rollupMismatches.length === 0 ? 'yes' : 'no'} | ${(c.audit.worstBudgetRatio * 100).toFixed(1)} % |`);
      checks.push([`kill ${i + 1}: every answer billed, database intact, rollups equal, spend within budget`, auditPassed(c.audit)]);
    });
    lines.push('');
  }
  checks.push(['the gateway never crashed and stopped cleanly on SIGTERM', f.exit === 'exit code 0']);
  const problems = [
    ...f.churn.failures.slice(0, 5),
    ...f.churnAudit.missing.slice(0, 5).map((id) => `no usage row for answered request ${id}`),
    ...f.churnAudit.rollupMismatches,
    ...f.crashes.flatMap((c, i) => [...c.audit.missing.slice(0, 5).map((id) => `kill ${i + 1}: answered request ${id} unbilled`), ...c.audit.rollupMismatches,
      ...c.audit.overBudget.map((o) => `kill ${i + 1}: key ${o.keyId} spent ${o.spendMicros} µ$ of ${o.budgetMicros}`)]),
  ];
  lines.push('### Checks', '', ...checks.map(([name, ok]) => `- ${ok ? 'PASS' : 'FAIL'} ${name}`), '');
  if (problems.length > 0) lines.push('### First problems', '', ...problems.map((p) => `- ${p}`), '');
  lines.push(`Gateway: ${f.exit}.`, '');
  return { text: lines.join('\n'), passed: checks.every(([, ok]) => ok) };
}
