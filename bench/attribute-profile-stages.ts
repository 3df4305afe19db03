// Attributes every sample of a V8 .cpuprofile to a stage of the request (stage-rules.ts): the
// sample's node and its ancestors form its stack, walked innermost first. Samples are counted, not
// weighted by their time deltas: the sampler ticks at a fixed interval, while a delta after an idle
// gap would hand the gap to the next busy sample. (idle) samples are not busy time and are left
// out; samples outside the optional time window (the load, not start-up or shutdown) too.
// Pure over the parsed JSON; where a frame's code came from is the caller's resolveFrame.
import { STAGES, stageOfStack, type StageId, type StageRule, STAGE_RULES } from './stage-rules.js';

export interface StageProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface StageCpuProfile {
  nodes: StageProfileNode[];
  /** µs, on the profiled process's monotonic clock. */
  startTime?: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A frame's source path as the rules see it (e.g. main/gateway/proxy-inference, node:_http_outgoing). */
export type ResolveFrame = (frame: StageProfileNode['callFrame']) => string;

export interface StageCounts {
  /** Busy samples per stage (every stage present, zero when none). */
  samples: Record<StageId, number>;
  busySamples: number;
  /** Samples left out as outside the window (idle ones included). */
  outsideWindow: number;
}

export interface TimeWindowUs {
  startUs: number;
  endUs: number;
}

export function emptyStageCounts(): StageCounts {
  const samples = {} as Record<StageId, number>;
  for (const stage of STAGES) samples[stage.id] = 0;
  return { samples, busySamples: 0, outsideWindow: 0 };
}

export function attributeProfileStages(
  profile: StageCpuProfile,
  resolveFrame: ResolveFrame,
  window?: TimeWindowUs,
  rules: readonly StageRule[] = STAGE_RULES,
): StageCounts {
  const stackOf = stacks(profile, resolveFrame);
  const stageOf = new Map<number, StageId | 'idle'>();
  const stageOfNode = (id: number): StageId | 'idle' => {
    let stage = stageOf.get(id);
    if (stage === undefined) {
      const frames = stackOf(id);
      stage = frames === undefined ? 'idle' : stageOfStack(frames, rules);
      stageOf.set(id, stage);
    }
    return stage;
  };

  const counts = emptyStageCounts();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let time = profile.startTime ?? 0;
  for (let i = 0; i < samples.length; i++) {
    time += deltas[i] ?? 0;
    const stage = stageOfNode(samples[i]!);
    if (window !== undefined && (time < window.startUs || time > window.endUs)) {
      counts.outsideWindow++;
      continue;
    }
    if (stage === 'idle') continue;
    counts.samples[stage]++;
    counts.busySamples++;
  }
  return counts;
}

/**
 * For reading a breakdown: per stage, the innermost frames its samples were taken in, most first
 * ("path function" → samples), and the frame that decided the stage. Same walk as above.
 */
export function framesByStage(
  profile: StageCpuProfile,
  resolveFrame: ResolveFrame,
  rules: readonly StageRule[] = STAGE_RULES,
): Map<StageId, Map<string, number>> {
  const stackOf = stacks(profile, resolveFrame);
  const out = new Map<StageId, Map<string, number>>();
  for (const id of profile.samples ?? []) {
    const frames = stackOf(id);
    if (frames === undefined) continue;
    const stage = stageOfStack(frames, rules);
    const name = frames.slice(0, 3).map((f) => `${f.functionName || '(anonymous)'} ${f.path}`).join(' < ');
    const lines = out.get(stage) ?? new Map<string, number>();
    lines.set(name, (lines.get(name) ?? 0) + 1);
    out.set(stage, lines);
  }
  return out;
}

/**
 * A sample node's stack, innermost frame first (the node, then its ancestors), with resolved
 * paths; undefined for an (idle) sample. A node id the profile lacks is a one-frame unknown stack.
 */
function stacks(profile: StageCpuProfile, resolveFrame: ResolveFrame): (id: number) => { path: string; functionName: string }[] | undefined {
  const byId = new Map<number, StageProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  return (id) => {
    const node = byId.get(id);
    if (node === undefined) return [{ path: '', functionName: '(unknown node)' }];
    if (node.callFrame.functionName === '(idle)') return undefined;
    const frames: { path: string; functionName: string }[] = [];
    for (let at: StageProfileNode | undefined = node; at !== undefined; at = byId.get(parentOf.get(at.id) ?? Number.NaN)) {
      frames.push({ path: resolveFrame(at.callFrame), functionName: at.callFrame.functionName });
    }
    return frames;
  };
}

/** Sums the counts of several processes (the replicas of one scenario). */
export function addStageCounts(a: StageCounts, b: StageCounts): StageCounts {
  const sum = emptyStageCounts();
  for (const stage of STAGES) sum.samples[stage.id] = a.samples[stage.id] + b.samples[stage.id];
  sum.busySamples = a.busySamples + b.busySamples;
  sum.outsideWindow = a.outsideWindow + b.outsideWindow;
  return sum;
}

/** The profile's first and last sample times (µs), to tell whether a window could apply at all. */
export function profileSpanUs(profile: StageCpuProfile): TimeWindowUs {
  let time = profile.startTime ?? 0;
  const start = time;
  for (const delta of profile.timeDeltas ?? []) time += delta;
  return { startUs: start, endUs: time };
}
