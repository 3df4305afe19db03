// Everything measured for one target, and the arithmetic that turns rounds into reported
// numbers: the median across rounds of a value, of a difference to a baseline, or of a ratio to
// one. Differences and ratios are taken per round first, so drift between rounds cancels out.
import { median } from './percentiles.js';
import type { ProcessMemory } from './read-process-memory.js';
import type { TargetRole } from './bench-target.js';

export type ShapeId = 'c1' | 'c16' | 'stream' | 'stream16';

/** One load run's summary. Latencies in ms. */
export interface ShapeStats {
  p50: number;
  p99: number;
  ttfbP50: number;
  requestsPerSecond: number;
  /** Median of the sampled response header, NaN when the target sends none. */
  headerP50: number;
  /** CPU time (user + system) the target's process spent per request, µs; NaN without a process. */
  cpuUsPerRequest: number;
  /** Requests answered in full (errors not included). */
  requests: number;
  errors: number;
  firstError: string | undefined;
}

export interface TargetMeasurements {
  name: string;
  role: TargetRole;
  /** For a gateway variant: the gateway scenario it is compared against (its name). */
  comparedTo?: string;
  /** One entry per measured round (warm-up excluded), in round order. */
  rounds: Record<ShapeId, ShapeStats[]>;
  memoryIdle: ProcessMemory | undefined;
  memoryAfterLoad: ProcessMemory | undefined;
  /** Spawn-to-first-answer times; empty when not measured for this target. */
  startupMs: number[];
}

export type StatPick = (stats: ShapeStats) => number;

export function medianOf(target: TargetMeasurements, shape: ShapeId, pick: StatPick): number {
  return median(target.rounds[shape].map(pick));
}

/** Median over rounds of (target - base): the latency a hop adds. */
export function addedOver(base: TargetMeasurements, target: TargetMeasurements, shape: ShapeId, pick: StatPick): number {
  const baseRounds = base.rounds[shape];
  return median(target.rounds[shape].map((stats, i) => (baseRounds[i] ? pick(stats) - pick(baseRounds[i]) : Number.NaN)));
}

/** Median over rounds of target / base. */
export function ratioTo(base: TargetMeasurements, target: TargetMeasurements, shape: ShapeId, pick: StatPick): number {
  const baseRounds = base.rounds[shape];
  return median(target.rounds[shape].map((stats, i) => (baseRounds[i] ? pick(stats) / pick(baseRounds[i]) : Number.NaN)));
}

/**
 * Median over rounds of (target - base) / (other - base): how many times `other`'s added time the
 * target adds (e.g. the gateway's added TTFB as a multiple of the floor proxy's).
 */
export function addedRatio(base: TargetMeasurements, other: TargetMeasurements, target: TargetMeasurements, shape: ShapeId, pick: StatPick): number {
  const baseRounds = base.rounds[shape];
  const otherRounds = other.rounds[shape];
  return median(target.rounds[shape].map((stats, i) => {
    const b = baseRounds[i];
    const o = otherRounds[i];
    return b && o ? (pick(stats) - pick(b)) / (pick(o) - pick(b)) : Number.NaN;
  }));
}

/** Every request a target was sent across the given rounds: answered or failed. */
export function requestsSent(rounds: Record<ShapeId, readonly ShapeStats[]>): number {
  return Object.values(rounds).flat().reduce((sum, stats) => sum + stats.requests + stats.errors, 0);
}
