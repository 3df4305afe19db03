// The profiled pass behind the per-stage CPU breakdown: after the measured (unprofiled) rounds,
// each scenario is started once more under `node --cpu-prof` at a fine sampling interval, warmed
// up, loaded with the c=16 chat shape, and stopped (the profile is written on exit). Its samples
// within the load's time window are attributed to stages (attribute-profile-stages.ts), and the
// µs per request of a stage is its share of the busy samples × the CPU time per request the
// process(es) spent during that load (/proc, all threads but V8's profiler thread, which spins). Profiling slows the process: none of
// the measured numbers come from this pass, and its own CPU per request is reported beside the
// breakdown only to scale the shares.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { attributeProfileStages, addStageCounts, emptyStageCounts, profileSpanUs, type StageCounts, type StageCpuProfile, type TimeWindowUs } from './attribute-profile-stages.js';
import { originsOf, pidsOf, slugOf, type BenchContext, type BenchTarget } from './bench-target.js';
import { createLoadPool, runLoad } from './load-generator.js';
import { createFrameResolver } from './profile-frame-paths.js';
import { readProcessCpuMs, readProcessesCpuMs, readThreadsCpuMs } from './read-process-cpu.js';
import type { ResolveFrame } from './attribute-profile-stages.js';

/**
 * Finer than V8's default 1,000 µs (a request costs a few hundred µs of CPU), coarser than 100 µs,
 * which tripled the gateway's CPU per request (each sample walks a deep stack).
 */
export const STAGE_PROFILE_INTERVAL_US = 200;

export interface StagePassResult {
  name: string;
  role: BenchTarget['role'];
  counts: StageCounts;
  /** CPU time per request of the profiled process(es) during the load, µs (profiling overhead included). */
  cpuUsPerRequest: number;
  requests: number;
  /** Profiles read (one per replica). */
  profiles: number;
  /** Why the load's time window could not be applied (every sample was counted instead), if so. */
  windowNote?: string;
}

export interface StagePassOptions {
  context: BenchContext;
  targets: readonly BenchTarget[];
  /** Requests in the profiled load (the c=16 shape's count) and in the warm-up before it. */
  count: number;
  warmUpCount: number;
  concurrency: number;
  deadlineMs: number;
  /** Where each target's profiles go (profiles/<target slug>/); emptied first, kept after for explain-stages. */
  profileRoot: string;
  /** Fresh work folders (config, data dir) per target; the caller removes it. */
  workRoot: string;
  progress?(text: string): void;
}

export async function runStagePass(options: StagePassOptions): Promise<StagePassResult[]> {
  const resolve = createFrameResolver();
  const results: StagePassResult[] = [];
  rmSync(join(options.profileRoot, 'profiles'), { recursive: true, force: true });
  for (const target of options.targets) {
    if (target.role === 'direct') continue;
    const profileDir = join(options.profileRoot, 'profiles', slugOf(target.name));
    mkdirSync(profileDir, { recursive: true });
    // A fresh work folder too: a scenario's set-up (e.g. a virtual key's alias) must not meet the
    // data left by its measured run.
    const workDir = join(options.workRoot, slugOf(target.name));
    mkdirSync(workDir, { recursive: true });
    const context: BenchContext = { ...options.context, workDir, profileDir, profileIntervalUs: STAGE_PROFILE_INTERVAL_US };
    options.progress?.(`stage profile: ${target.name}`);
    const running = await target.start(context);
    let pool: Dispatcher | undefined;
    let window: TimeWindowUs;
    let cpuMs: number | undefined;
    let requests: number;
    try {
      pool = createLoadPool(originsOf(running), options.concurrency);
      await running.prepare?.();
      const request = running.buildRequest('chat');
      const load = { pool, request, concurrency: options.concurrency, deadlineMs: options.deadlineMs };
      await runLoad({ ...load, count: options.warmUpCount });
      const pids = pidsOf(running);
      const cpuBefore = readProcessesCpuMs(pids, readProfiledCpuMs);
      const startUs = monotonicUs();
      const result = await runLoad({ ...load, count: options.count });
      const endUs = monotonicUs();
      const cpuAfter = readProcessesCpuMs(pids, readProfiledCpuMs);
      if (result.completed === 0) throw new Error(`${target.name}: every request of the stage profile failed (${result.firstError ?? 'no answer'})`);
      window = { startUs, endUs };
      cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      requests = result.completed;
    } finally {
      await pool?.close();
      await running.stop();
    }
    results.push({
      name: target.name, role: target.role, requests,
      cpuUsPerRequest: cpuMs === undefined ? Number.NaN : (cpuMs * 1000) / requests,
      ...countProfiles(profileDir, resolve, window),
    });
  }
  return results;
}

/** V8's profiler thread: it busy-waits between samples, more CPU than the program at 200 µs. */
export const PROFILER_THREAD = 'v8:ProfEvntProc';

/** A profiled process's CPU time without its profiler thread's. */
export function readProfiledCpuMs(pid: number): number | undefined {
  const total = readProcessCpuMs(pid);
  const profiler = readThreadsCpuMs(pid, PROFILER_THREAD);
  return total === undefined || profiler === undefined ? undefined : total - profiler;
}

/** process.hrtime is CLOCK_MONOTONIC, the clock V8 stamps profile samples with on Linux. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Every .cpuprofile under dir (a replica each), attributed and summed. */
export function countProfiles(dir: string, resolve: ResolveFrame, window: TimeWindowUs): Pick<StagePassResult, 'counts' | 'profiles' | 'windowNote'> {
  const files = listProfiles(dir);
  let counts = emptyStageCounts();
  let windowNote: string | undefined;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as StageCpuProfile;
    const span = profileSpanUs(profile);
    // A profile on another clock than ours would have no sample in the window: count them all.
    const overlaps = span.startUs <= window.endUs && span.endUs >= window.startUs;
    if (!overlaps) windowNote = 'the profile\'s clock did not match the load\'s window: start-up and shutdown samples are counted too';
    counts = addStageCounts(counts, attributeProfileStages(profile, resolve, overlaps ? window : undefined));
  }
  return { counts, profiles: files.length, ...(windowNote === undefined ? {} : { windowNote }) };
}

function listProfiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listProfiles(path));
    else if (entry.endsWith('.cpuprofile')) found.push(path);
  }
  return found;
}
