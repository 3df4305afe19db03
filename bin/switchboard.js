#!/usr/bin/env node
// Thin launcher for the compiled CLI (npm run build produces dist/).
import { main } from '../dist/main/cli.js';

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`switchboard: fatal: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
