// Tells the process's memory settings that a worker thread's V8 heap now exists. V8 sets up each
// isolate's heap with the process-wide `--semi-space-growth-factor` raised back to 2, which undoes
// the young-generation cap (cap-young-generation.ts) for the main thread too. The gateway's worker
// thread (gateway-worker-thread.ts) waits until its worker runs JS, whose heap is set up by then,
// and calls workerHeapSetUp() at once: the cap is put back before the main thread can run another
// collection. A worker's 'online' event comes a turn or more later, and a scavenge in between grew
// the main thread's new space to twice the cap at start-up, where it stayed (issue 18).
const listeners = new Set<() => void>();

/** Calls `listener` each time a worker thread's heap has just been set up (for the process's life, as the cap's other hooks). */
export function afterWorkerHeapSetUp(listener: () => void): void {
  listeners.add(listener);
}

/** Called by whoever started a worker, synchronously, once its heap exists. */
export function workerHeapSetUp(): void {
  for (const listener of listeners) listener();
}
