// What the benchmark loads: a target is something listening on loopback that answers chat
// completions (the mock itself, the floor proxy, a gateway configuration). Later scenarios add
// targets here or via gateway-target.ts; the rounds, checks and tables pick them up unchanged.
// A target never talks to anything but 127.0.0.1.
import { join } from 'node:path';
import type { ChildRegistry, SpawnOptions } from './child-registry.js';
import type { LoadRequest } from './load-generator.js';
import { chatRequest, type RequestKind } from './chat-request.js';

/** The client-side API a target is loaded through. */
export type WireFormat = 'chat' | 'responses' | 'ollama' | 'anthropic';

/** direct = the mock upstream called without a proxy (the baseline); floor = minimal proxy. */
export type TargetRole = 'direct' | 'floor' | 'gateway';

export interface BenchContext {
  registry: ChildRegistry;
  repoRoot: string;
  /** Compiled bench scripts (dist/bench). */
  benchDir: string;
  mockOrigin: string;
  /** A private temp directory for configs and data dirs; removed at the end. */
  workDir: string;
  /** When set, process targets run under `node --cpu-prof`, each writing to a subfolder. */
  profileDir: string | undefined;
  /** With profileDir: V8's sampling interval in µs (its default, 1,000, when absent). */
  profileIntervalUs?: number;
}

/** Node flags that profile a target's process into profileDir/<slug of its name>. */
export function profileFlags(context: BenchContext, name: string): string[] {
  if (!context.profileDir) return [];
  const interval = context.profileIntervalUs === undefined ? [] : [`--cpu-prof-interval=${context.profileIntervalUs}`];
  return ['--cpu-prof', `--cpu-prof-dir=${join(context.profileDir, slugOf(name))}`, ...interval];
}

export function slugOf(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

export interface StartupProbe {
  spawnFor(port: number): SpawnOptions;
  path: string;
}

export interface RunningTarget {
  /** Where it listens; for several replicas, the first one's (admin calls go there). */
  origin: string;
  /** The process whose memory is reported (the first replica's); undefined when there is none of its own. */
  pid: number | undefined;
  /** Every replica's origin when the target is several processes: the load is spread across them. */
  origins?: readonly string[];
  /** Every replica's process: CPU per request sums them all. */
  pids?: readonly number[];
  /**
   * Scenario set-up that talks to the target (e.g. creating the client's virtual key), run
   * after its idle memory is read and before verification; buildRequest may need it first.
   */
  prepare?(): Promise<void>;
  buildRequest(kind: RequestKind): LoadRequest;
  /** The API its requests speak (default chat completions): what verification expects back. */
  wireFormat?: WireFormat;
  /** Numeric response header worth sampling (the gateway's self-reported overhead). */
  sampleHeader?: string;
  /** How to measure time-to-first-answer for this target, when that is a goal. */
  startup?: StartupProbe;
  /**
   * After the load, before stop: what the target itself says about it (e.g. how many requests
   * its usage ledger recorded), given how many requests the bench sent it in all.
   */
  afterLoad?(requestsSent: number): Promise<TargetFindings>;
  stop(): Promise<void>;
}

/** Where the load goes: every replica, or the one origin. */
export function originsOf(target: RunningTarget): readonly string[] {
  return target.origins !== undefined && target.origins.length > 0 ? target.origins : [target.origin];
}

/** Whose CPU time counts: every replica's process, the one process, or none (the mock itself). */
export function pidsOf(target: RunningTarget): readonly number[] {
  if (target.pids !== undefined && target.pids.length > 0) return target.pids;
  return target.pid === undefined ? [] : [target.pid];
}

/** Lines for the report: notes are facts worth printing, warnings mean a number is suspect. */
export interface TargetFindings {
  notes: string[];
  warnings: string[];
}

export interface BenchTarget {
  name: string;
  role: TargetRole;
  /** For a gateway variant: the name of the gateway target its numbers are compared against. */
  comparedTo?: string;
  start(context: BenchContext): Promise<RunningTarget>;
}

export const directTarget: BenchTarget = {
  name: 'direct (mock)',
  role: 'direct',
  async start(context) {
    return {
      origin: context.mockOrigin,
      pid: undefined,
      buildRequest: (kind) => chatRequest(kind, {}),
      stop: async () => {},
    };
  },
};

export const floorTarget: BenchTarget = {
  name: 'floor proxy',
  role: 'floor',
  async start(context) {
    const server = await context.registry.spawnServer('floor proxy', {
      args: [...profileFlags(context, 'floor proxy'), join(context.benchDir, 'floor-proxy.js'), '--upstream', context.mockOrigin],
      cwd: context.repoRoot,
      ipc: true,
      readyPattern: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      timeoutMs: 10_000,
    });
    return {
      origin: server.origin,
      pid: server.pid,
      buildRequest: (kind) => chatRequest(kind, {}),
      stop: () => context.registry.stop(server.process),
    };
  },
};
