// Builders for the bench's measurement records in tests: per-round ShapeStats with only the
// fields a test cares about set, the rest neutral. Pure; used by the test/bench tables only.
import type { TargetRole } from '../../bench/bench-target.js';
import type { ShapeStats, TargetMeasurements } from '../../bench/target-measurements.js';

export function stats(overrides: Partial<ShapeStats> = {}): ShapeStats {
  return {
    p50: 1, p99: 2, ttfbP50: 1, requestsPerSecond: 1000, headerP50: Number.NaN, cpuUsPerRequest: Number.NaN,
    requests: 100, errors: 0, firstError: undefined, ...overrides,
  };
}

/** A target whose rounds are `perRound` (one entry per round), the same for every shape. */
export function target(
  name: string,
  role: TargetRole,
  perRound: readonly Partial<ShapeStats>[],
  extra: Partial<Omit<TargetMeasurements, 'name' | 'role' | 'rounds'>> = {},
): TargetMeasurements {
  const rounds = () => perRound.map((round) => stats(round));
  return {
    name, role, rounds: { c1: rounds(), c16: rounds(), stream: rounds(), stream16: rounds() },
    memoryIdle: undefined, memoryAfterLoad: undefined, startupMs: [], ...extra,
  };
}
