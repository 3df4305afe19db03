// The gateway's one worker thread (the usage writer, the caller lookups) from the TypeScript
// sources, for tests: main/gateway-worker.ts run through the TypeScript loader (vitest transforms
// only the test's own thread).
import { gatewayWorkerScript } from '../../main/core/gateway-worker-thread.js';

export const SOURCE_GATEWAY_WORKER = {
  script: gatewayWorkerScript(new URL('../../main/core/gateway-worker-thread.ts', import.meta.url).href),
  execArgv: ['--import', new URL('./register-typescript-loader.mjs', import.meta.url).href],
};
