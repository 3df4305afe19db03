// The rows of the results table: each check measures one number for a gateway target (and, for
// comparison, for the floor proxy) and may carry a goal from the issue. Adding a row is adding
// an entry to GATEWAY_CHECKS; adding a gateway variant adds a block of rows by itself.
import { addedOver, medianOf, ratioTo, type TargetMeasurements } from './target-measurements.js';
import { median } from './percentiles.js';

export type Unit = 'ms' | 'µs' | '%' | 'MB';

export interface Baselines {
  direct: TargetMeasurements;
  floor: TargetMeasurements;
}

export interface Goal {
  op: '<=' | '>=';
  limit: number;
}

export interface Check {
  metric: string;
  unit: Unit;
  /** NaN or undefined when the number does not exist for this target. */
  measure(target: TargetMeasurements, baselines: Baselines): number | undefined;
  goal?: Goal;
  /** Whether measuring the floor proxy the same way means something. */
  floorColumn: boolean;
}

export interface CheckRow {
  scenario: string;
  metric: string;
  unit: Unit;
  value: number | undefined;
  floor: number | undefined;
  goal: Goal | undefined;
  result: 'PASS' | 'MISS' | 'n/a' | '';
}

const MB = 1024 * 1024;

export const GATEWAY_CHECKS: readonly Check[] = [
  { metric: 'added p50 latency, c=1', unit: 'ms', goal: { op: '<=', limit: 0.3 }, floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'c1', (s) => s.p50) },
  { metric: 'added p99 latency, c=1', unit: 'ms', floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'c1', (s) => s.p99) },
  { metric: 'added p50 latency, c=16', unit: 'ms', floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'c16', (s) => s.p50) },
  { metric: 'added p99 latency, c=16', unit: 'ms', floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'c16', (s) => s.p99) },
  { metric: 'RPS c=16 vs direct', unit: '%', floorColumn: true,
    measure: (t, b) => 100 * ratioTo(b.direct, t, 'c16', (s) => s.requestsPerSecond) },
  { metric: 'RPS c=16 vs floor proxy', unit: '%', goal: { op: '>=', limit: 75 }, floorColumn: false,
    measure: (t, b) => 100 * ratioTo(b.floor, t, 'c16', (s) => s.requestsPerSecond) },
  { metric: 'CPU per request, c=16 (its own process)', unit: 'µs', floorColumn: true,
    measure: (t) => medianOf(t, 'c16', (s) => s.cpuUsPerRequest) },
  { metric: 'added stream TTFB p50, c=1', unit: 'ms', goal: { op: '<=', limit: 0.5 }, floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'stream', (s) => s.ttfbP50) },
  { metric: 'self-reported overhead p50, c=1 (x-switchboard-overhead-ms)', unit: 'ms', floorColumn: false,
    measure: (t) => medianOf(t, 'c1', (s) => s.headerP50) },
  { metric: 'RSS idle (after start)', unit: 'MB', floorColumn: true,
    measure: (t) => (t.memoryIdle ? t.memoryIdle.rssBytes / MB : undefined) },
  { metric: 'RSS after load', unit: 'MB', goal: { op: '<=', limit: 120 }, floorColumn: true,
    measure: (t) => (t.memoryAfterLoad ? t.memoryAfterLoad.rssBytes / MB : undefined) },
  { metric: 'RSS peak', unit: 'MB', floorColumn: true,
    measure: (t) => (t.memoryAfterLoad ? t.memoryAfterLoad.peakRssBytes / MB : undefined) },
  { metric: 'start to first answer (median)', unit: 'ms', goal: { op: '<=', limit: 500 }, floorColumn: false,
    measure: (t) => (t.startupMs.length > 0 ? median(t.startupMs) : undefined) },
];

export function evaluateChecks(targets: readonly TargetMeasurements[], checks: readonly Check[] = GATEWAY_CHECKS): CheckRow[] {
  const direct = targets.find((t) => t.role === 'direct');
  const floor = targets.find((t) => t.role === 'floor');
  if (!direct || !floor) throw new Error('the bench needs a direct and a floor target to compare against');
  const baselines = { direct, floor };
  const rows: CheckRow[] = [];
  for (const target of targets.filter((t) => t.role === 'gateway')) {
    for (const check of checks) {
      const value = finite(check.measure(target, baselines));
      const floorValue = check.floorColumn ? finite(check.measure(floor, baselines)) : undefined;
      rows.push({
        scenario: target.name, metric: check.metric, unit: check.unit, value, floor: floorValue, goal: check.goal,
        result: !check.goal ? '' : value === undefined ? 'n/a' : meets(value, check.goal) ? 'PASS' : 'MISS',
      });
    }
  }
  return rows;
}

export function meets(value: number, goal: Goal): boolean {
  return goal.op === '<=' ? value <= goal.limit : value >= goal.limit;
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
