// bin/switchboard.js runs the CommonJS bundle with the V8 code cache the build wrote beside it
// (bin/load-cli-bundle.js, scripts/warm-code-cache.mjs; issue 18, start-up): the cache must be
// accepted by a plain `node` (a flag hash or a source mismatch makes V8 reject it, silently
// costing the start-up time again), and a bundle rebuilt without a new cache must never run with
// the old one, which V8 would accept when only the length matches.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, ROOT, BIN } from '../support/cli-process.js';

const LOADER = pathToFileURL(join(ROOT, 'bin', 'load-cli-bundle.js')).href;

/** What loadCliBundle says of the cache, in a fresh `node` with no flags. */
function cacheVerdict(mainDir: string): string {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const { loadCliBundle } = await import(${JSON.stringify(LOADER)}); const r = loadCliBundle(${JSON.stringify(mainDir)}); console.log(typeof r.main, String(r.cacheRejected));`,
  ], { encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  return run.stdout.trim();
}

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('the CLI code cache', () => {
  it('is accepted by a plain node, and the launcher runs the CLI from it', () => {
    expect(ensureBuiltCli()).toBe(true);
    expect(cacheVerdict(join(ROOT, 'dist', 'main'))).toBe('function false');
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^switchboard \d+\.\d+\.\d+/);
  }, 180_000);

  it('is not used for a bundle changed since it was made, even one of the same length', () => {
    expect(ensureBuiltCli()).toBe(true);
    // Inside dist/ so the copy still finds node_modules (better-sqlite3 is loaded at start).
    const dir = mkdtempSync(join(ROOT, 'dist', 'code-cache-test-'));
    copies.push(dir);
    for (const file of ['switchboard.cjs', 'switchboard.cjs.cache']) copyFileSync(join(ROOT, 'dist', 'main', file), join(dir, file));
    // The copy is a new file: stamp the cache for it (the bundle's size and mtime, as
    // load-cli-bundle.js writes them), so that only the change below can make it unusable.
    const cache = readFileSync(join(dir, 'switchboard.cjs.cache'));
    const { size, mtimeMs } = statSync(join(dir, 'switchboard.cjs'));
    cache.writeDoubleLE(size, 0);
    cache.writeDoubleLE(mtimeMs, 8);
    writeFileSync(join(dir, 'switchboard.cjs.cache'), cache);
    expect(cacheVerdict(dir)).toBe('function false');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'switchboard.cjs'), later, later);
    // undefined: no cache was given to V8 at all.
    expect(cacheVerdict(dir)).toBe('function undefined');
  }, 180_000);
});
