// limitOldGenerationGrowth in a real node process: under a server-like pattern (objects that live
// across a few event-loop turns, as requests in flight do, get promoted and die in the old
// generation), V8 on its own lets the old generation fill with that garbage to several times the
// live data before a full collection; with the limit, full collections keep it near the live data.
// A Node/V8 upgrade that stops reading the flag at run time fails here rather than costing RSS.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSourceWorkload } from '../support/run-source-workload.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MODULE = pathToFileURL(join(ROOT, 'main', 'limit-old-generation-growth.ts')).href;
const MB = 1024 * 1024;

/** Prints the largest old-space use seen, with about 16 MB of data live throughout. */
const WORKLOAD = `
import { getHeapSpaceStatistics } from 'node:v8';
const loaded = await import(${JSON.stringify(MODULE)});
const { limitOldGenerationGrowth } = loaded.limitOldGenerationGrowth ? loaded : loaded.default;
if (process.argv[1] === 'limit' && !limitOldGenerationGrowth()) throw new Error('not limited');
const oldSpaceUsed = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_used_size;
const live = Array.from({ length: 16 }, () => Array.from({ length: 16_384 }, (_, i) => ({ i, s: 'x' + i })));
globalThis.live = live;
let inFlight = [];
let largest = 0;
for (let turn = 0; turn < 1_500; turn++) {
  // Per turn: the short-lived part of handling requests, and requests that stay in flight for 40
  // turns, long enough to outlive two scavenges and be promoted.
  let scratch = 0;
  for (let i = 0; i < 4_000; i++) scratch += JSON.stringify({ i, turn }).length;
  inFlight.push(Array.from({ length: 300 }, (_, i) => ({ turn, i, scratch, body: { model: 'm', messages: [{ role: 'user', content: 'hi ' + i }] } })));
  if (inFlight.length > 40) inFlight.shift();
  await new Promise((resolve) => setImmediate(resolve));
  largest = Math.max(largest, oldSpaceUsed());
}
process.stdout.write(String(largest));
`;

function largestOldSpace(mode: 'limit' | 'control'): number {
  const child = runSourceWorkload(WORKLOAD, mode);
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout);
}

describe('limitOldGenerationGrowth in a real process', () => {
  it('keeps the old generation near the live data where V8 would let promoted garbage pile up', () => {
    const control = largestOldSpace('control');
    const limited = largestOldSpace('limit');
    process.stdout.write(`old space: control ${(control / MB).toFixed(1)} MB, limited ${(limited / MB).toFixed(1)} MB\n`);
    expect(limited).toBeLessThan(control * 0.75);
  }, 120_000);
});
