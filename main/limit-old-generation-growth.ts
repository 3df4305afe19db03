// Keeps V8's old generation near the gateway's live data in the long-running gateway process
// (`serve` and the desktop app's main process). After a full collection V8 lets the old generation
// grow by a factor it picks from how fast collections run: up to 4x live data for a small heap
// that collects quickly, which the gateway's is (about 20 MB live). Requests in flight when a
// scavenge runs are promoted and die there, so under load the old generation filled with that
// garbage for the whole run (one full collection in 21,000 requests: 18 MB live, 35 MB used, 45 MB
// committed) and RSS crept up by 5-7 MB per 7,000 requests (issue 18). A fixed factor of 1.2
// collects it every few thousand requests instead: a full collection of this heap takes about
// 5 ms, well under 1 µs per request. Never overrides an operator's own flag.
import { setFlagsFromString } from 'node:v8';

/** V8 lets the old generation grow to (1 + this / 100) x its live data after a full collection. */
export const OLD_GENERATION_GROWTH_PERCENT = 20;

/** The flag by which an operator sets the growth themselves (V8 accepts - or _ inside names). */
const OPERATOR_FLAG = /--heap[-_]growing[-_]percent/;

export interface OldGenerationEnvironment {
  /** node's own flags (process.execArgv). */
  execArgv: readonly string[];
  /** NODE_OPTIONS, where V8 flags can be given too. */
  nodeOptions: string | undefined;
  setFlags(flags: string): void;
}

const processEnvironment = (): OldGenerationEnvironment => ({
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
  setFlags: setFlagsFromString,
});

/**
 * Sets the growth factor at run time (V8 reads it each time it sets the next limit, after every
 * full collection), because node is launched without our flags. Returns false, changing nothing,
 * when the operator set it. limit-old-generation-growth.fault.test.ts checks the effect in a real
 * process, so a Node upgrade that stops reading it at run time fails a test.
 */
export function limitOldGenerationGrowth(environment: OldGenerationEnvironment = processEnvironment(), percent = OLD_GENERATION_GROWTH_PERCENT): boolean {
  if (OPERATOR_FLAG.test([...environment.execArgv, environment.nodeOptions ?? ''].join(' '))) return false;
  environment.setFlags(`--heap-growing-percent=${percent}`);
  return true;
}
