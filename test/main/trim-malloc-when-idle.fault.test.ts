// trimMallocWhenIdle in a real node process on Linux/glibc: native memory freed in the middle of
// the heap (Buffers whose neighbours stay alive, as request buffers are) stays in RSS until the
// process goes quiet after its work, then goes back to the OS; the control, without the call,
// keeps it. A glibc or Node change that stops malloc_trim from releasing pages fails here.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSourceWorkload } from '../support/run-source-workload.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MODULE = pathToFileURL(join(ROOT, 'main', 'trim-malloc-when-idle.ts')).href;
const MB = 1024 * 1024;

/**
 * Allocates 4 KB Buffers (malloc'd off V8's heap) to ~96 MB, keeps one in 16, collects the rest,
 * works for a while, then stays quiet; prints RSS after the frees and after the quiet time.
 */
const WORKLOAD = `
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const loaded = await import(${JSON.stringify(MODULE)});
const { trimMallocWhenIdle } = loaded.trimMallocWhenIdle ? loaded : loaded.default;
const rss = () => process.memoryUsage.rss();
let all = Array.from({ length: 24_000 }, () => Buffer.allocUnsafeSlow(4096).fill(1));
const kept = all.filter((_, i) => i % 16 === 0);
all = null;
gc(); gc();
if (process.argv[1] === 'trim' || process.argv[1] === 'trim-busy') {
  const outcome = trimMallocWhenIdle(undefined, 100);
  if (outcome !== 'on') throw new Error('not on: ' + outcome);
}
const afterFree = rss();
if (process.argv[1] === 'trim-busy') {
  // Working all the time (a gateway under steady load): 20 ms slices of CPU, the event loop turning
  // between them so the check runs; never a quiet interval.
  const busyUntil = Date.now() + 700;
  while (Date.now() < busyUntil) {
    const slice = Date.now() + 20;
    while (Date.now() < slice) Math.sqrt(Math.random());
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(JSON.stringify({ afterFree, afterQuiet: rss(), kept: kept.length }));
  process.exit(0);
}
// A busy interval (the gateway serving a burst), then quiet ones.
const until = Date.now() + 250;
while (Date.now() < until) Math.sqrt(Math.random());
await new Promise((resolve) => setTimeout(resolve, 600));
process.stdout.write(JSON.stringify({ afterFree, afterQuiet: rss(), kept: kept.length }));
`;

function run(mode: 'trim' | 'trim-busy' | 'control'): { afterFree: number; afterQuiet: number } {
  const child = runSourceWorkload(WORKLOAD, mode);
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { afterFree: number; afterQuiet: number };
}

describe.runIf(process.platform === 'linux')('trimMallocWhenIdle in a real process', () => {
  it('returns free malloc pages to the OS once the process goes quiet after work; without it they stay', () => {
    const control = run('control');
    // Without a trim the ~90 MB freed between the kept Buffers stays resident.
    expect(control.afterFree - control.afterQuiet).toBeLessThan(10 * MB);
    const trimmed = run('trim');
    expect(trimmed.afterFree - trimmed.afterQuiet).toBeGreaterThan(50 * MB);
  }, 120_000);

  it('returns them while the process keeps working, once glibc holds more than BUSY_TRIM_FREE_BYTES free', () => {
    // mallinfo2 read through koffi in a real process: ~90 MB free is well past the threshold.
    const busy = run('trim-busy');
    expect(busy.afterFree - busy.afterQuiet).toBeGreaterThan(50 * MB);
  }, 120_000);
});
