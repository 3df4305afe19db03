#!/usr/bin/env node
// Thin launcher for the CLI, bundled into one file by `npm run build:main` (fast start).
import { main } from '../dist/main/switchboard.mjs';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`switchboard: fatal: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
