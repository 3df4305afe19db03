#!/usr/bin/env node
// Thin launcher for the CLI, bundled into one file by `npm run build:main` (fast start): the
// CommonJS bundle with its code cache when the build made one (load-cli-bundle.js), else the ESM one.
import { fileURLToPath } from 'node:url';
import { loadCliBundle } from './load-cli-bundle.js';

const loaded = loadCliBundle(fileURLToPath(new URL('../dist/main/', import.meta.url)));
const { main } = loaded ?? (await import('../dist/main/switchboard.mjs'));

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`switchboard: fatal: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
