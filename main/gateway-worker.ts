// The gateway's one worker thread (started by core/gateway-worker-thread.ts): runs each service it is
// asked to attach on the port that came with it: the usage ledger's SQLite writer
// (usage-batch-service.ts) and the per-connection caller lookups (caller-lookup-service.ts). Never
// touches a request or the network; a service that throws ends the thread like any crash, and its
// clients start it again.
import { parentPort } from 'node:worker_threads';
import { serveCallerLookups } from './attribution/caller-lookup-service.js';
import type { AttachMessage } from './core/gateway-worker-thread.js';
import { serveUsageBatches, type UsageBatchServiceData } from './metering/usage-batch-service.js';

parentPort?.on('message', (message: AttachMessage) => {
  if (message.service === 'usage-batches') serveUsageBatches(message.data as UsageBatchServiceData, message.port);
  else if (message.service === 'caller-lookups') void serveCallerLookups(message.port);
});
