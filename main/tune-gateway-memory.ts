// The memory settings of a long-running gateway process (`serve` and the desktop app's main
// process), applied together and as early as the process can (issue 18): V8's young generation
// capped, its old generation collected near its live data, glibc's per-thread malloc arenas
// limited before the worker thread starts, and what glibc holds free handed back when a burst of
// work ends. Each leaves an operator's own setting alone.
import { capYoungGeneration } from './cap-young-generation.js';
import { limitMallocArenas, type MallocArenaOutcome } from './limit-malloc-arenas.js';
import { limitOldGenerationGrowth } from './limit-old-generation-growth.js';
import { trimMallocWhenIdle, type IdleTrimOutcome } from './trim-malloc-when-idle.js';

/** What was applied, for a debug line once a logger exists. */
export interface GatewayMemoryTuning {
  youngGenerationCapped: boolean;
  oldGenerationLimited: boolean;
  mallocArenas: MallocArenaOutcome;
  idleMallocTrim: IdleTrimOutcome;
}

export function tuneGatewayMemory(): GatewayMemoryTuning {
  return { youngGenerationCapped: capYoungGeneration(), oldGenerationLimited: limitOldGenerationGrowth(), mallocArenas: limitMallocArenas(), idleMallocTrim: trimMallocWhenIdle() };
}
