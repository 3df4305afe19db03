// Loads the CLI bundle's CommonJS build (dist/main/switchboard.cjs) with V8's code cache written
// beside it at build time (scripts/warm-code-cache.mjs): Node 20 caches no ESM compilation, and
// parsing the 3 MB bundle plus compiling the functions start-up runs was a third of the CPU to the
// first answer (issue 18, start-up). A missing, stale or rejected cache (another Node, a rebuilt
// bundle) only costs that time again; a missing .cjs returns undefined (the caller imports the
// ESM bundle). Never writes anything: the cache is the build's.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, Script } from 'node:vm';

/** The bundle's path and its code cache's, in `mainDir` (dist/main). */
export function cliBundleFiles(mainDir) {
  const bundle = join(mainDir, 'switchboard.cjs');
  return { bundle, cache: `${bundle}.cache` };
}

/**
 * The cache file starts with the bundle's size and modification time it was made for: V8 checks a
 * cache only against its source's length, and a rebuilt bundle of the same length must never run
 * code compiled from the old one.
 */
export function cacheStamp(bundleStat) {
  const stamp = Buffer.alloc(16);
  stamp.writeDoubleLE(bundleStat.size, 0);
  stamp.writeDoubleLE(bundleStat.mtimeMs, 8);
  return stamp;
}

/**
 * Compiles and runs the bundle, returning its exports (`main`) and the compiled script (the warm-up
 * makes the cache from it); undefined without a CommonJS bundle. `useCache: false` compiles from
 * source (the warm-up, so that the cache it writes holds what this run compiled).
 */
export function loadCliBundle(mainDir, { useCache = true } = {}) {
  const { bundle, cache } = cliBundleFiles(mainDir);
  const stat = statSync(bundle, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  // Latin-1: the bundle is written ASCII-only (bundle-cli.mjs), and a one-byte string is what V8
  // keeps of a script's source for the life of the process.
  const source = readFileSync(bundle, 'latin1');
  let cachedData;
  if (useCache) {
    try {
      const file = readFileSync(cache);
      if (file.length > 16 && file.subarray(0, 16).equals(cacheStamp(stat))) cachedData = file.subarray(16);
    } catch {
      cachedData = undefined;
    }
  }
  // A file URL as the name: stack traces and CPU profiles point at the file, and the bench maps
  // profile frames through the source map beside it (bench/profile-frame-paths.ts).
  // import() in the bundle (keytar, loaded when the keychain is first used) goes through Node's own
  // loader, as it would from a module file.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: pathToFileURL(bundle).href, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return { main: module.exports.main, script, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
}
