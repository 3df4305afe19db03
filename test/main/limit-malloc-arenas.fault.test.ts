// limitMallocArenas in a real node process on Linux/glibc: worker threads that allocate after it
// share the arenas the process already has (the limit is below their number here: the loader's
// threads made some) instead of each taking one of their own, as they do without it (the
// control). glibc's malloc_stats() lists one "Arena N:" per arena; a glibc or Node change that
// stops honouring mallopt at run time fails here rather than silently costing RSS.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSourceWorkload } from '../support/run-source-workload.js';

const ROOT = join(import.meta.dirname, '..', '..');
const MODULE = pathToFileURL(join(ROOT, 'main', 'limit-malloc-arenas.ts')).href;
const WORKERS = 6;

/** Starts WORKERS threads that each allocate native memory, then has glibc list its arenas on stderr. */
const WORKLOAD = `
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
const loaded = await import(${JSON.stringify(MODULE)});
const { limitMallocArenas } = loaded.limitMallocArenas ? loaded : loaded.default;
const mallocStats = createRequire(import.meta.url)('koffi').load('libc.so.6').func('void malloc_stats(void)');
mallocStats();
process.stderr.write('--- workers\\n');
if (process.argv[1] === 'limit') {
  const outcome = limitMallocArenas();
  if (outcome !== 'limited') throw new Error('not limited: ' + outcome);
}
const threads = Array.from({ length: ${WORKERS} }, () => new Worker(
  'import("node:worker_threads").then(({ parentPort }) => { const kept = []; for (let i = 0; i < 2000; i++) kept.push(Buffer.allocUnsafeSlow(4096)); parentPort.postMessage(kept.length); });',
  { eval: true },
));
await Promise.all(threads.map((thread) => new Promise((resolve, reject) => { thread.once('message', resolve); thread.once('error', reject); })));
mallocStats();
await Promise.all(threads.map((thread) => thread.terminate()));
`;

/** glibc's arenas before the workers started and after they allocated. */
function arenasAroundWorkers(mode: 'limit' | 'control'): { before: number; after: number } {
  const child = runSourceWorkload(WORKLOAD, mode);
  expect(child.status, child.stderr).toBe(0);
  const [before, after] = child.stderr.split('--- workers\n');
  const count = (stats: string | undefined) => stats?.match(/^Arena \d+:$/gm)?.length ?? 0;
  return { before: count(before), after: count(after) };
}

describe.runIf(process.platform === 'linux')('limitMallocArenas in a real process', () => {
  it('has worker threads started after it share the existing arenas, where each would otherwise take its own', () => {
    const control = arenasAroundWorkers('control');
    expect(control.after - control.before).toBeGreaterThanOrEqual(WORKERS);
    const limited = arenasAroundWorkers('limit');
    expect(limited.before).toBeGreaterThan(0);
    expect(limited.after).toBe(limited.before);
  }, 120_000);
});
