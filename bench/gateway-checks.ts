// The rows of the results table: each check measures one number for a gateway target (and, for
// comparison, for the floor proxy) and may carry a goal from the issue. Adding a row is adding
// an entry to GATEWAY_CHECKS; adding a gateway variant adds a block of rows by itself, and a
// variant that names the gateway it varies (comparedTo) also gets rows measured against that one.
import { addedOver, addedRatio, medianOf, ratioTo, type TargetMeasurements } from './target-measurements.js';
import { median } from './percentiles.js';

/** 'x': a multiple of another number (the floor proxy's, say). */
export type Unit = 'ms' | 'µs' | '%' | 'MB' | 'x';

export interface Baselines {
  direct: TargetMeasurements;
  floor: TargetMeasurements;
  /** The gateway scenario a variant is compared against; undefined for a plain gateway. */
  reference?: TargetMeasurements;
}

export interface Goal {
  op: '<=' | '>=' | '<' | '>';
  limit: number;
}

export interface Check {
  /** `{reference}` is replaced by the name of the gateway a variant is compared against. */
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
  /** n/a: the number could not be measured; skipped: the measurement was not run this time. */
  result: 'PASS' | 'MISS' | 'n/a' | 'skipped' | '';
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
  { metric: 'added stream TTFB p50, c=16', unit: 'ms', floorColumn: true,
    measure: (t, b) => addedOver(b.direct, t, 'stream16', (s) => s.ttfbP50) },
  // Issue 18 item 6: at c=16 the first token may take at most twice the floor proxy's added time.
  { metric: "added stream TTFB p50, c=16, x the floor's", unit: 'x', goal: { op: '<=', limit: 2 }, floorColumn: false,
    measure: (t, b) => addedRatio(b.direct, b.floor, t, 'stream16', (s) => s.ttfbP50) },
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

/** The plain gateway's rows a variant repeats: the goals and the cost of the path. */
const VARIANT_METRICS: readonly string[] = [
  'added p50 latency, c=1', 'RPS c=16 vs floor proxy', 'CPU per request, c=16 (its own process)', 'added stream TTFB p50, c=1',
  "added stream TTFB p50, c=16, x the floor's", 'RSS after load',
];

/** What a variant costs over the gateway it varies, measured per round like everything else. */
export const REFERENCE_CHECKS: readonly Check[] = [
  { metric: 'RPS c=16 vs {reference}', unit: '%', floorColumn: false,
    measure: (t, b) => (b.reference ? 100 * ratioTo(b.reference, t, 'c16', (s) => s.requestsPerSecond) : undefined) },
  { metric: 'added p50 latency over {reference}, c=1', unit: 'ms', floorColumn: false,
    measure: (t, b) => (b.reference ? addedOver(b.reference, t, 'c1', (s) => s.p50) : undefined) },
  { metric: 'added p50 latency over {reference}, c=16', unit: 'ms', floorColumn: false,
    measure: (t, b) => (b.reference ? addedOver(b.reference, t, 'c16', (s) => s.p50) : undefined) },
  { metric: 'CPU per request over {reference}, c=16', unit: 'µs', floorColumn: false,
    measure: (t, b) => (b.reference ? addedOver(b.reference, t, 'c16', (s) => s.cpuUsPerRequest) : undefined) },
];

export const VARIANT_CHECKS: readonly Check[] = [
  ...GATEWAY_CHECKS.filter((check) => VARIANT_METRICS.includes(check.metric)),
  ...REFERENCE_CHECKS,
];

/**
 * One block of rows per gateway target, in target order: `checks` for a plain gateway,
 * `variantChecks` for one that names the gateway it is compared against (which must be loaded).
 */
export function evaluateChecks(
  targets: readonly TargetMeasurements[],
  checks: readonly Check[] = GATEWAY_CHECKS,
  variantChecks: readonly Check[] = VARIANT_CHECKS,
): CheckRow[] {
  const direct = targets.find((t) => t.role === 'direct');
  const floor = targets.find((t) => t.role === 'floor');
  if (!direct || !floor) throw new Error('the bench needs a direct and a floor target to compare against');
  const rows: CheckRow[] = [];
  for (const target of targets.filter((t) => t.role === 'gateway')) {
    let reference: TargetMeasurements | undefined;
    if (target.comparedTo !== undefined) {
      reference = targets.find((t) => t.name === target.comparedTo && t.role === 'gateway');
      if (!reference || reference === target) throw new Error(`${target.name} is compared against "${target.comparedTo}", which is not another gateway target`);
    }
    const baselines: Baselines = reference ? { direct, floor, reference } : { direct, floor };
    for (const check of reference ? variantChecks : checks) {
      const value = finite(check.measure(target, baselines));
      const floorValue = check.floorColumn ? finite(check.measure(floor, baselines)) : undefined;
      rows.push({
        scenario: target.name,
        metric: reference ? check.metric.replaceAll('{reference}', reference.name) : check.metric,
        unit: check.unit, value, floor: floorValue, goal: check.goal,
        result: !check.goal ? '' : value === undefined ? 'n/a' : meets(value, check.goal) ? 'PASS' : 'MISS',
      });
    }
  }
  return rows;
}

export function meets(value: number, goal: Goal): boolean {
  switch (goal.op) {
    case '<=': return value <= goal.limit;
    case '>=': return value >= goal.limit;
    case '<': return value < goal.limit;
    case '>': return value > goal.limit;
  }
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}
