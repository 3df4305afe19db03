// The gateway's worker thread from the TypeScript sources, for tests of per-process attribution:
// the worker script is main/gateway-worker.ts, run through the TypeScript loader (vitest
// transforms only the test's own thread).
import { SOURCE_GATEWAY_WORKER } from './source-gateway-worker.js';

export const SOURCE_CALLER_WORKER = SOURCE_GATEWAY_WORKER;
