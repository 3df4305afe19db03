// Fails when package-lock.json resolves any package from outside the npm registry (git or
// http tarballs), the path a poisoned dependency takes (checklist S36; LiteLLM 1.82.7/8).
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const bad = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path === '' || entry.link) continue;
  if (entry.resolved && !entry.resolved.startsWith('https://registry.npmjs.org/')) bad.push(`${path}: ${entry.resolved}`);
  if (!entry.integrity && !entry.link) bad.push(`${path}: no integrity hash`);
}
if (bad.length > 0) {
  console.error(`package-lock.json has ${bad.length} entries not from the npm registry:\n${bad.join('\n')}`);
  process.exit(1);
}
console.log(`package-lock.json: ${Object.keys(lock.packages ?? {}).length - 1} packages, all from the npm registry`);
