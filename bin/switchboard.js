#!/usr/bin/env node
// Thin launcher for the CLI, bundled into one file by `npm run build:main` (fast start): the
// CommonJS bundle with its code cache when the build made one (load-cli-bundle.js), else the ESM one.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// serve: glibc's malloc arenas limited before anything else loads. While V8 compiles and runs the
// bundle (and even while it loads this file's own imports), its threads each take an arena of their
// own, which a limit set later cannot take back (six arenas in all, two with this; about 1 MB of
// RSS after a load, issue 18). A synchronous require(), before the first import(). serve still makes the same call, for a start
// without this file (not in the container image, whose environment sets the limit).
if (process.argv[2] === 'serve') {
  try {
    createRequire(import.meta.url)('../dist/main/limit-malloc-arenas.cjs').limitMallocArenas();
  } catch {
    // Not built: serve's own call is the fallback.
  }
}

const { loadCliBundle } = await import('./load-cli-bundle.js');
const loaded = loadCliBundle(fileURLToPath(new URL('../dist/main/', import.meta.url)));
const { main } = loaded ?? (await import('../dist/main/switchboard.mjs'));

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`switchboard: fatal: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
