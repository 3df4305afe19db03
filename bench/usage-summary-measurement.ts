// Issue 3's "summary endpoint under 50 ms over 1,000,000 usage rows" as a standalone bench
// measurement: runs benchSummary (a seeded temp database, rollups, every range × grouping) and
// turns its result into table rows and notes. Seeding time is reported but never judged; it
// never touches a gateway's data directory.
import { benchSummary, type SummaryBenchResult } from './summary-bench.js';
import type { StandaloneMeasurement, StandaloneMetric, StandaloneOutcome } from './standalone-measurement.js';

export const SUMMARY_ROWS = 1_000_000;

export const SUMMARY_METRIC: StandaloneMetric = {
  metric: 'usage summary query, slowest range × grouping (median of 7 runs each)',
  unit: 'ms',
  goal: { op: '<', limit: 50 },
};

export function usageSummaryMeasurement(
  rows = SUMMARY_ROWS,
  run: (options: { rows: number }) => Promise<SummaryBenchResult> = benchSummary,
): StandaloneMeasurement {
  return {
    name: `usage summary, ${rows.toLocaleString('en-US')} rows`,
    metrics: [SUMMARY_METRIC],
    slow: true,
    run: async () => summaryOutcome(await run({ rows })),
  };
}

/** The row and the notes for one benchSummary result. */
export function summaryOutcome(result: SummaryBenchResult): StandaloneOutcome {
  const cases = Object.entries(result.cases).sort((a, b) => b[1] - a[1]);
  const slowest = cases[0];
  const fastest = cases[cases.length - 1];
  const notes = [
    `Usage summary: the query behind \`GET /usage/summary\`, timed in-process over ${result.rows.toLocaleString('en-US')} seeded rows `
    + `(30 days, daily and hourly rollups built; seeding took ${result.seedSeconds} s and is not part of the target); `
    + `${cases.length} cases (ranges × groupings)`
    + (slowest && fastest ? `, from ${fastest[1]} ms (${fastest[0]}) to ${slowest[1]} ms (${slowest[0]}).` : '.'),
  ];
  return { results: [{ ...SUMMARY_METRIC, value: result.ms }], notes };
}
