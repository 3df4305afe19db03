// The process-attribution worker thread from the TypeScript sources, for tests: the worker script
// is main/attribution/caller-lookup-worker.ts, run through the TypeScript loader (vitest
// transforms only the test's own thread).
import { callerLookupWorkerScript } from '../../main/attribution/caller-lookups.js';

export const SOURCE_CALLER_WORKER = {
  script: callerLookupWorkerScript(new URL('../../main/attribution/caller-lookups.ts', import.meta.url).href),
  execArgv: ['--import', new URL('./register-typescript-loader.mjs', import.meta.url).href],
};
