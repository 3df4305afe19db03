// Bundles the compiled CLI (dist/main/cli.js and everything it imports) into one file,
// dist/main/switchboard.mjs. Start time is mostly module resolution and loading of a few
// hundred files; one file cut the time to the first answered request by about a third.
// Native modules stay external: they are loaded from node_modules as built for this Node.
import { rolldown } from 'rolldown';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
const output = { sourcemap: true, codeSplitting: false, charset: 'ascii', comments: { legal: true, annotation: true, jsdoc: false } };
await bundle.write({ ...output, file: `${root}dist/main/switchboard.mjs`, format: 'esm' });
// The same bundle as CommonJS, which bin/switchboard.js runs with V8's code cache (Node 20 caches
// no ES module's compilation): a third less CPU from spawn to the first answer (issue 18, start-up).
// The old cache goes first: only the warm-up of this very bundle may write one.
rmSync(`${root}dist/main/switchboard.cjs.cache`, { force: true });
await bundle.write({ ...output, file: `${root}dist/main/switchboard.cjs`, format: 'cjs' });
await bundle.close();

// The gateway's one worker thread (main/gateway-worker.ts: the usage ledger's writer and the caller
// lookups), bundled beside the CLI: gatewayWorkerScript() finds it next to switchboard.mjs.
const worker = await rolldown({
  input: `${root}dist/main/gateway-worker.js`,
  platform: 'node',
  external: ['better-sqlite3'],
  logLevel: 'warn',
});
await worker.write({ file: `${root}dist/main/gateway-worker.mjs`, format: 'esm', sourcemap: true, codeSplitting: false });
await worker.close();

// glibc's arena limit on its own (main/limit-malloc-arenas.ts, koffi loaded at run time): the
// launcher applies it before it loads the CLI bundle (bin/switchboard.js says why).
const arenas = await rolldown({ input: `${root}dist/main/limit-malloc-arenas.js`, platform: 'node', logLevel: 'warn' });
// CommonJS: the launcher require()s it before it loads anything else (an import() is too late).
await arenas.write({ file: `${root}dist/main/limit-malloc-arenas.cjs`, format: 'cjs', sourcemap: true, codeSplitting: false });
await arenas.close();

// The code cache, made by running the CommonJS bundle up to a first answer (warm-code-cache.mjs says
// why the flag). A failure is a slower start, not a failed build: the launcher compiles from source.
const warmUp = spawnSync(process.execPath, ['--semi-space-growth-factor=2', '--heap-growing-percent=0', `${root}scripts/warm-code-cache.mjs`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 60_000 });
if (warmUp.status !== 0) process.stderr.write(`bundle-cli: the code cache was not written; the CLI starts slower\n${warmUp.stderr ?? ''}\n`);
