import { describe, expect, it } from 'vitest';
import type { SummaryBenchResult } from '../../bench/summary-bench.js';
import { SUMMARY_METRIC, summaryOutcome, usageSummaryMeasurement } from '../../bench/usage-summary-measurement.js';

const RESULT: SummaryBenchResult = {
  rows: 1_000_000,
  ms: 3.99,
  cases: { 'last 24 hours/app': 2.64, 'last 30 days/key': 3.99, 'last 7 days/day': 2.77 },
  seedSeconds: 15.5,
};

describe('usage-summary-measurement', () => {
  it('reports the slowest case against the issue goal of under 50 ms', () => {
    expect(summaryOutcome(RESULT).results).toEqual([{ metric: SUMMARY_METRIC.metric, unit: 'ms', goal: { op: '<', limit: 50 }, value: 3.99 }]);
  });

  it('notes the rows, the seeding time (outside the goal) and the fastest and slowest cases', () => {
    const [note] = summaryOutcome(RESULT).notes;
    expect(note).toContain('1,000,000 seeded rows');
    expect(note).toContain('seeding took 15.5 s and is not part of the target');
    expect(note).toContain('3 cases (ranges × groupings), from 2.64 ms (last 24 hours/app) to 3.99 ms (last 30 days/key).');
  });

  it('notes no range when there were no cases', () => {
    expect(summaryOutcome({ ...RESULT, cases: {} }).notes[0]).toMatch(/0 cases \(ranges × groupings\)\.$/);
  });

  it('is a slow measurement named after its row count, which it passes to the summary bench', async () => {
    const asked: number[] = [];
    const measurement = usageSummaryMeasurement(2_500, async ({ rows }) => {
      asked.push(rows);
      return { ...RESULT, rows, ms: 61 };
    });
    expect(measurement.name).toBe('usage summary, 2,500 rows');
    expect(measurement.slow).toBe(true);
    expect(measurement.metrics).toEqual([SUMMARY_METRIC]);
    const outcome = await measurement.run();
    expect(asked).toEqual([2_500]);
    expect(outcome.results[0]?.value).toBe(61);
  });

  it('measures 1,000,000 rows by default', () => {
    expect(usageSummaryMeasurement().name).toBe('usage summary, 1,000,000 rows');
  });
});
