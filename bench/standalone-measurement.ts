// Measurements that are not a load target (e.g. the usage summary over a million rows): each
// runs once after the load rounds, on its own, and yields rows for the same results table,
// judged against its goal like every other row. Never runs while a target is under load; one
// that a run leaves out still shows its rows, marked skipped, so a missing number is never silent.
import { meets, type CheckRow, type Goal, type Unit } from './gateway-checks.js';

/** What a measurement reports, known before it runs. */
export interface StandaloneMetric {
  metric: string;
  unit: Unit;
  goal?: Goal;
}

export interface StandaloneResult extends StandaloneMetric {
  value: number;
}

export interface StandaloneOutcome {
  results: StandaloneResult[];
  /** Context printed under the table (e.g. how long seeding took, the slowest case). */
  notes: string[];
}

export interface StandaloneMeasurement {
  /** Shown in the Scenario column. */
  name: string;
  metrics: readonly StandaloneMetric[];
  /** Left out of --quick runs (it takes too long for a quick look). */
  slow: boolean;
  run(): Promise<StandaloneOutcome>;
}

export function standaloneRows(name: string, results: readonly StandaloneResult[]): CheckRow[] {
  return results.map((result) => ({
    scenario: name,
    metric: result.metric,
    unit: result.unit,
    value: Number.isFinite(result.value) ? result.value : undefined,
    floor: undefined,
    goal: result.goal,
    result: !result.goal ? '' : !Number.isFinite(result.value) ? 'n/a' : meets(result.value, result.goal) ? 'PASS' : 'MISS',
  }));
}

/** The rows of a measurement this run did not make: no value, its goal shown, marked skipped. */
export function skippedRows(measurement: Pick<StandaloneMeasurement, 'name' | 'metrics'>): CheckRow[] {
  return measurement.metrics.map((metric) => ({
    scenario: measurement.name, metric: metric.metric, unit: metric.unit, value: undefined, floor: undefined, goal: metric.goal, result: 'skipped',
  }));
}
