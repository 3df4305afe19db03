// First step of `npm run dist`: stops with a clear message when this Node is older than the one
// @electron/rebuild (electron-builder's native-module step) requires, before anything is built.
import { readFileSync } from 'node:fs';
import { createJiti } from 'jiti';

const jiti = createJiti(import.meta.url);
const { distNodeProblem } = await jiti.import('./dist-node-version.ts');
// Its package.json is not in its exports map: read from node_modules, where npm ci put it.
const rebuild = JSON.parse(readFileSync(new URL('../node_modules/@electron/rebuild/package.json', import.meta.url), 'utf8'));
const problem = distNodeProblem(process.versions.node, rebuild.engines?.node ?? '');
if (problem !== null) {
  console.error(problem);
  process.exit(1);
}
