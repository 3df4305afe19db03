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
  const byId = new Map<number, StageProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const stageOf = new Map<number, StageId | 'idle'>();
  const stageOfNode = (id: number): StageId | 'idle' => {
    const known = stageOf.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let stage: StageId | 'idle';
    if (node === undefined) stage = 'other';
    else if (node.callFrame.functionName === '(idle)') stage = 'idle';
    else {
      const frames: { path: string; functionName: string }[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
        const frame = byId.get(at)!.callFrame;
        frames.push({ path: resolveFrame(frame), functionName: frame.functionName });
      }
      stage = stageOfStack(frames, rules);
    }
    stageOf.set(id, stage);
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
  const byId = new Map<number, StageProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const out = new Map<StageId, Map<string, number>>();
  for (const id of profile.samples ?? []) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    const frames: { path: string; functionName: string }[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      frames.push({ path: resolveFrame(frame), functionName: frame.functionName });
    }
    const stage = stageOfStack(frames, rules);
    const name = frames.slice(0, 3).map((f) => `${f.functionName || '(anonymous)'} ${f.path}`).join(' < ');
    const lines = out.get(stage) ?? new Map<string, number>();
    lines.set(name, (lines.get(name) ?? 0) + 1);
    out.set(stage, lines);
  }
  return out;
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
