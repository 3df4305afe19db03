// The gateway's worker thread from the TypeScript sources, for tests of the usage ledger's writer:
// the worker script is main/gateway-worker.ts, run through the TypeScript loader (vitest
// transforms only the test's own thread).
import { SOURCE_GATEWAY_WORKER } from './source-gateway-worker.js';

export const SOURCE_USAGE_WORKER = SOURCE_GATEWAY_WORKER;
