// Bundles the compiled CLI (dist/main/cli.js and everything it imports) into one file,
// dist/main/switchboard.mjs. Start time is mostly module resolution and loading of a few
// hundred files; one file cut the time to the first answered request by about a third.
// Native modules stay external: they are loaded from node_modules as built for this Node.
import { rolldown } from 'rolldown';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = await rolldown({
  input: `${root}dist/main/cli.js`,
  platform: 'node',
  external: ['better-sqlite3', 'keytar', 'electron'],
  logLevel: 'warn',
});
// codeSplitting: false keeps one file: a module imported with import() (db copy, which loads pg)
// is inlined but evaluated only when that import runs, so serve never loads it.
// charset 'ascii': V8 keeps a script's source in memory for the life of the process, one byte per
// character only if every character is Latin-1. A single '…' in a comment made the 3.9 MB bundle a
// two-byte string (7.9 MB of heap); escaped, it is 3.9 MB (issue 18, RSS).
await bundle.write({ file: `${root}dist/main/switchboard.mjs`, format: 'esm', sourcemap: true, codeSplitting: false,
  charset: 'ascii', comments: { legal: true, annotation: true, jsdoc: false } });
await bundle.close();

// The usage ledger's worker thread (main/metering/usage-batch-worker.ts), bundled beside the CLI:
// usageBatchWorkerScript() finds it next to switchboard.mjs.
const worker = await rolldown({
  input: `${root}dist/main/metering/usage-batch-worker.js`,
  platform: 'node',
  external: ['better-sqlite3'],
  logLevel: 'warn',
});
await worker.write({ file: `${root}dist/main/usage-batch-worker.mjs`, format: 'esm', sourcemap: true, codeSplitting: false });
await worker.close();

// The process-attribution worker thread (main/attribution/caller-lookup-worker.ts), bundled beside
// the CLI the same way: callerLookupWorkerScript() finds it next to switchboard.mjs.
const callerWorker = await rolldown({
  input: `${root}dist/main/attribution/caller-lookup-worker.js`,
  platform: 'node',
  logLevel: 'warn',
});
await callerWorker.write({ file: `${root}dist/main/caller-lookup-worker.mjs`, format: 'esm', sourcemap: true, codeSplitting: false });
await callerWorker.close();
