// Measurements that are not a load target (e.g. the usage summary over a million rows): each
// runs once after the load rounds, on its own, and yields rows for the same results table,
// judged against its goal like every other row. Never runs while a target is under load.
import { meets, type CheckRow, type Goal, type Unit } from './gateway-checks.js';

export interface StandaloneResult {
  metric: string;
  unit: Unit;
  value: number;
  goal?: Goal;
}

export interface StandaloneMeasurement {
  /** Shown in the Scenario column. */
  name: string;
  run(): Promise<StandaloneResult[]>;
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
