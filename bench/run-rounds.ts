// Runs the load shapes against every target, interleaved: within a round each shape visits the
// targets round-robin, and the starting target rotates each round, so no target always runs
// first (warm caches) or last (a tired machine). Returns per-round stats; never aggregates.
import { runLoad } from './load-generator.js';
import { latencySummary, median, percentile } from './percentiles.js';
import { readProcessesCpuMs } from './read-process-cpu.js';
import type { Dispatcher } from 'undici';
import type { RequestKind } from './chat-request.js';
import { pidsOf, type RunningTarget } from './bench-target.js';
import type { ShapeId, ShapeStats } from './target-measurements.js';

export interface LoadShape {
  id: ShapeId;
  concurrency: number;
  count: number;
  kind: RequestKind;
}

export interface ActiveTarget {
  name: string;
  running: RunningTarget;
  /** One pool per target and concurrency (balanced over its replicas), so connections are warm and never shared. */
  pools: Map<number, Dispatcher>;
}

export interface RoundsOptions {
  targets: readonly ActiveTarget[];
  shapes: readonly LoadShape[];
  rounds: number;
  /** Per load run. */
  deadlineMs: number;
  onRun?(round: number, shape: LoadShape, target: string, stats: ShapeStats): void;
}

export type RoundsResult = Map<string, Record<ShapeId, ShapeStats[]>>;

export async function runRounds(options: RoundsOptions): Promise<RoundsResult> {
  const result: RoundsResult = new Map();
  for (const target of options.targets) result.set(target.name, { c1: [], c16: [], stream: [], stream16: [] });
  for (let round = 0; round < options.rounds; round++) {
    for (const shape of options.shapes) {
      for (let k = 0; k < options.targets.length; k++) {
        const target = options.targets[(round + k) % options.targets.length]!;
        const pool = target.pools.get(shape.concurrency);
        if (!pool) throw new Error(`no pool of ${shape.concurrency} for ${target.name}`);
        // Every replica's process: the load is spread across them, so is the work.
        const pids = pidsOf(target.running);
        const cpuBefore = readProcessesCpuMs(pids);
        const load = await runLoad({
          pool,
          request: target.running.buildRequest(shape.kind),
          concurrency: shape.concurrency,
          count: shape.count,
          deadlineMs: options.deadlineMs,
          ...(target.running.sampleHeader ? { sampleHeader: target.running.sampleHeader } : {}),
        });
        const cpuAfter = readProcessesCpuMs(pids);
        if (load.completed === 0) throw new Error(`${target.name}: every request failed (${load.firstError ?? 'no answer'})`);
        const { p50, p99 } = latencySummary(load.latenciesMs);
        const stats: ShapeStats = {
          p50, p99,
          ttfbP50: percentile(load.ttfbMs, 50),
          requestsPerSecond: load.requestsPerSecond,
          headerP50: median(load.headerSamples),
          cpuUsPerRequest: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : ((cpuAfter - cpuBefore) * 1000) / load.completed,
          requests: load.completed,
          errors: load.errors,
          firstError: load.firstError,
        };
        result.get(target.name)![shape.id].push(stats);
        options.onRun?.(round, shape, target.name, stats);
      }
    }
  }
  return result;
}
