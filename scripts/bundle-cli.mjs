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
// Team mode (a postgresql:// URL) is a dynamic import: its own chunk, with the pg driver, so an
// SQLite gateway never loads or even reads it.
await bundle.write({
  dir: `${root}dist/main`, entryFileNames: 'switchboard.mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', format: 'esm', sourcemap: true,
});
await bundle.close();
