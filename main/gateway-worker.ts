// The gateway's one worker thread (started by core/gateway-worker-thread.ts): runs each service it
// is asked to attach on the port that came with it: the usage ledger's SQLite writer
// (usage-batch-service.ts) and the per-connection caller lookups (caller-lookup-service.ts). Never
// touches a request or the network; a service that throws ends the thread like any crash, and its
// clients start it again.
import { parentPort, workerData } from 'node:worker_threads';
import { sayWorkerHeapSetUp, type AttachMessage } from './core/gateway-worker-thread.js';
import type { UsageBatchServiceData } from './metering/usage-batch-service.js';

// First: the main thread waits for this to put its young-generation cap back (worker-heap-set-up.ts).
sayWorkerHeapSetUp(workerData);

// Each service's code is loaded when it is first attached, not when the thread starts: the caller
// lookups start with the gateway and must be ready before the first program's connection is gone
// (a lookup that answers late names the program by its User-Agent), so they never wait for the
// usage writer's SQLite driver to load (a CI run once named a script "Python-urllib" that way).
parentPort?.on('message', (message: AttachMessage) => {
  if (message.service === 'usage-batches') {
    // A driver that cannot load or a database that cannot be opened is an unhandled rejection,
    // which ends the thread like any crash: the writer's batches go back to its queue and it
    // starts the thread again.
    void import('./metering/usage-batch-service.js').then(({ serveUsageBatches }) => serveUsageBatches(message.data as UsageBatchServiceData, message.port));
  } else if (message.service === 'caller-lookups') {
    void import('./attribution/caller-lookup-service.js').then(({ serveCallerLookups }) => serveCallerLookups(message.port));
  }
});
