// capYoungGeneration in a real node process: under an allocation pattern that grows new space to
// 32 MB without it (the control), new space must stop at the cap. A Node/V8 upgrade that stops
// honouring the growth-factor flag at run time fails here rather than silently costing RSS.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSourceWorkload } from '../support/run-source-workload.js';
import { YOUNG_GENERATION_CAP_BYTES } from '../../main/cap-young-generation.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MODULE = pathToFileURL(join(ROOT, 'main', 'cap-young-generation.ts')).href;
const THREAD_MODULE = pathToFileURL(join(ROOT, 'main', 'core', 'gateway-worker-thread.ts')).href;

/**
 * Allocates like a busy server (short-lived objects, a share surviving a while, the event loop
 * turning between batches as it does between requests) and prints the largest new space seen.
 */
const WORKLOAD = `
import { getHeapSpaceStatistics } from 'node:v8';
const loaded = await import(${JSON.stringify(MODULE)});
const { capYoungGeneration } = loaded.capYoungGeneration ? loaded : loaded.default;
if (process.argv[1] !== 'control' && !capYoungGeneration()) throw new Error('not capped');
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const kept = [];
let largest = 0;
for (let batch = 0; batch < 300; batch++) {
  // A worker thread started while the cap holds, as the gateway's usage writer and caller lookups
  // are: its start puts V8's growth factor back to the default.
  if (batch === 20 && process.argv[1] === 'cap') {
    const { Worker } = await import('node:worker_threads');
    new Worker('setTimeout(() => {}, 50)', { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } }).unref();
  }
  for (let i = 0; i < 10_000; i++) {
    const request = { id: i, path: '/v1/chat/completions', parts: [i, String(i)] };
    if (i % 3 === 0) kept.push(request);
    if (kept.length > 50_000) kept.length = 0;
  }
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, newSpace());
}
process.stdout.write(String(largest));
`;

function largestNewSpace(mode: 'cap' | 'cap-only' | 'control'): number {
  const child = runSourceWorkload(WORKLOAD, mode);
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout);
}

describe('capYoungGeneration in a real process', () => {
  it('stops new space at the cap where V8 would grow it to 32 MB, a worker started on the way included', () => {
    // The worker's heap set-up puts the growth factor back on its own thread; the stop is set
    // again when the main thread hears the worker is online. A scavenge that falls between the two
    // can grow new space one step past the cap (CI, once: 16 MB), never on to V8's 32 MB.
    expect(largestNewSpace('control')).toBeGreaterThan(2 * YOUNG_GENERATION_CAP_BYTES);
    expect(largestNewSpace('cap')).toBeLessThanOrEqual(2 * YOUNG_GENERATION_CAP_BYTES);
  }, 120_000);

  it('holds new space at the cap when no worker starts', () => {
    expect(largestNewSpace('cap-only')).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES);
  }, 120_000);
});

/**
 * New space held at the cap, then a worker started and the main thread allocating on at once,
 * without turning the event loop (as the gateway's start-up does while it loads): 'gateway-thread'
 * starts the gateway's worker thread (with a script that says its heap is set up, as
 * gateway-worker.ts does), 'bare-worker' a plain Worker that only 'online' catches.
 * Prints the largest new space seen from the worker's start on.
 */
const SIGNALLING_SCRIPT = `data:text/javascript,${encodeURIComponent(
  "import { workerData } from 'node:worker_threads'; Atomics.store(workerData.heapSetUp, 0, 1); Atomics.notify(workerData.heapSetUp, 0);",
)}`;
const START_UNDER_LOAD = `
import { getHeapSpaceStatistics } from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
const unwrap = (loaded, name) => (loaded[name] ? loaded : loaded.default)[name];
const capYoungGeneration = unwrap(await import(${JSON.stringify(MODULE)}), 'capYoungGeneration');
const createGatewayWorkerThread = unwrap(await import(${JSON.stringify(THREAD_MODULE)}), 'createGatewayWorkerThread');
if (!capYoungGeneration()) throw new Error('not capped');
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
const kept = [];
const churn = () => {
  for (let i = 0; i < 10_000; i++) {
    const request = { id: i, path: '/v1/chat/completions', parts: [i, String(i)] };
    if (i % 3 === 0) kept.push(request);
    if (kept.length > 50_000) kept.length = 0;
  }
};
for (let batch = 0; batch < 200; batch++) {
  churn();
  await new Promise((resolve) => setImmediate(resolve));
}
if (newSpace() !== ${YOUNG_GENERATION_CAP_BYTES}) throw new Error('new space not at the cap before the worker: ' + newSpace());
let attachment;
if (process.argv[1] === 'gateway-thread') {
  const thread = createGatewayWorkerThread({ script: new URL(${JSON.stringify(SIGNALLING_SCRIPT)}) });
  attachment = thread.attach('usage-batches', new MessageChannel().port2);
} else {
  new Worker('setTimeout(() => {}, 50)', { eval: true }).unref();
}
let largest = 0;
const until = performance.now() + 400;
while (performance.now() < until) {
  churn();
  largest = Math.max(largest, newSpace());
}
for (let batch = 0; batch < 50; batch++) {
  churn();
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, newSpace());
}
await attachment?.kill();
process.stdout.write(String(largest));
`;

describe('the gateway worker thread and the cap', () => {
  it('puts the cap back before the main thread collects again, where a worker caught at its online event lets new space grow', () => {
    // The control shows the race is real on this machine: a bare worker's heap set-up lets a
    // scavenge grow new space while the main thread allocates (a start-up's bundle loading).
    const bare = runSourceWorkload(START_UNDER_LOAD, 'bare-worker');
    expect(bare.status, bare.stderr).toBe(0);
    expect(Number(bare.stdout)).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES);
    const gateway = runSourceWorkload(START_UNDER_LOAD, 'gateway-thread');
    expect(gateway.status, gateway.stderr).toBe(0);
    expect(Number(gateway.stdout)).toBe(YOUNG_GENERATION_CAP_BYTES);
  }, 120_000);
});
