// Evidence that a target's load reached every replica: each replica process's CPU time since it
// started, as a note, and a warning when one of them did little of the work (the balanced pool
// sent it nothing, or it failed and the pool routed around it). Reads nothing itself.
import type { TargetFindings } from './bench-target.js';

/** Below this share of the replicas' total CPU time, a replica is reported as not loaded. */
const LEAST_SHARE = 0.2;

/** cpuMs: each replica's CPU time since start, in replica order; undefined where unreadable. */
export function replicaCpuFindings(scenario: string, cpuMs: readonly (number | undefined)[]): TargetFindings {
  if (cpuMs.length < 2 || cpuMs.some((ms) => ms === undefined)) return { notes: [], warnings: [] };
  const times = cpuMs as readonly number[];
  const total = times.reduce((sum, ms) => sum + ms, 0);
  const shares = times.map((ms) => (total > 0 ? ms / total : 0));
  const listed = times.map((ms, i) => `replica ${i + 1} ${(ms / 1000).toFixed(1)} s (${Math.round(shares[i]! * 100)} %)`).join(', ');
  const idle = shares.flatMap((share, i) => (share < LEAST_SHARE ? [`replica ${i + 1}`] : []));
  return {
    notes: [`${scenario}: CPU time used since start, by replica: ${listed}.`],
    warnings: idle.length === 0 ? [] : [`${scenario}: ${idle.join(', ')} did under ${LEAST_SHARE * 100} % of the work: the load was not spread across the replicas`],
  };
}
