// The usage ledger's worker thread from the TypeScript sources, for tests: the worker script is
// main/metering/usage-batch-worker.ts, run through the TypeScript loader (vitest transforms only
// the test's own thread).
import { usageBatchWorkerScript } from '../../main/metering/usage-batch-worker-client.js';

export const SOURCE_USAGE_WORKER = {
  script: usageBatchWorkerScript(new URL('../../main/metering/usage-batch-worker-client.ts', import.meta.url).href),
  execArgv: ['--import', new URL('./register-typescript-loader.mjs', import.meta.url).href],
};

