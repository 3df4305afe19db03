// Caps glibc's malloc arenas in the long-running gateway process (`serve` and the desktop app's
// main process). glibc gives every thread that allocates its own arena, up to 8 per core: the
// usage writer and caller-lookup workers, libuv's pool and V8's compiler and GC threads each keep
// the fragments of what they freed, so RSS after a load stayed 10-16 MB above what two arenas
// hold, and kept creeping by a few MB per 7,000 requests (issue 18: the gateway's RSS after the
// bench's load 140 MB, 126 MB with MALLOC_ARENA_MAX=2). The environment variable is read only when
// the process starts, which `npm start`, the bin and Electron do without it; mallopt(3) sets the
// same limit at run time, and threads that allocate after it share the existing arenas. Called
// as early as the process can: threads that already own an arena keep it, and V8's threads take
// one each while the CLI bundle loads, so bin/switchboard.js calls it (from its own small bundle,
// dist/main/limit-malloc-arenas.cjs) before it loads the bundle; serve calls it again.
import { loadGlibcFunction } from './load-glibc-function.js';

/** Arenas the process may have: the main thread's and one shared by every other thread. */
export const MALLOC_ARENA_LIMIT = 2;

/** glibc's malloc.h: the mallopt parameter MALLOC_ARENA_MAX sets. */
export const M_ARENA_MAX = -8;

/** glibc's mallopt(3): 1 when the value was taken, 0 when refused. */
export type Mallopt = (parameter: number, value: number) => number;

export interface MallocArenaEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** mallopt from the process's glibc, or null (not glibc, e.g. musl; or no FFI). */
  loadMallopt(): Mallopt | null;
}

/**
 * What limitMallocArenas did: 'limited' (mallopt took the limit), 'operator' (the operator set
 * MALLOC_ARENA_MAX or a glibc malloc tunable themselves: theirs stands), 'unavailable' (not Linux,
 * not glibc, or no FFI: nothing changed), 'refused' (glibc refused the value).
 */
export type MallocArenaOutcome = 'limited' | 'operator' | 'unavailable' | 'refused';

/** glibc's own settings by which an operator sizes the arenas (read by glibc at process start). */
function operatorSetArenas(env: NodeJS.ProcessEnv): boolean {
  return env.MALLOC_ARENA_MAX !== undefined || /glibc\.malloc\.arena_(max|test)/.test(env.GLIBC_TUNABLES ?? '');
}

const processEnvironment = (): MallocArenaEnvironment => ({
  platform: process.platform,
  env: process.env,
  // Not on musl (Alpine), where mallopt's arena parameter means nothing anyway.
  loadMallopt: () => loadGlibcFunction('int mallopt(int, int)') as Mallopt | null,
});

export function limitMallocArenas(environment: MallocArenaEnvironment = processEnvironment(), limit = MALLOC_ARENA_LIMIT): MallocArenaOutcome {
  if (environment.platform !== 'linux') return 'unavailable';
  if (operatorSetArenas(environment.env)) return 'operator';
  const mallopt = environment.loadMallopt();
  if (mallopt === null) return 'unavailable';
  try {
    return mallopt(M_ARENA_MAX, limit) === 1 ? 'limited' : 'refused';
  } catch {
    return 'unavailable';
  }
}
