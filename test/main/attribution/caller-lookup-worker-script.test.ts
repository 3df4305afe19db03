// Where the attribution worker's script is found, for each way the gateway is loaded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { callerLookupWorkerScript } from '../../../main/attribution/caller-lookups.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('callerLookupWorkerScript', () => {
  it('finds the bundled worker beside the CLI bundle, ES module or CommonJS', () => {
    dir = mkdtempSync(join(tmpdir(), 'worker-script-'));
    writeFileSync(join(dir, 'caller-lookup-worker.mjs'), '');
    for (const bundle of ['switchboard.mjs', 'switchboard.cjs']) {
      expect(callerLookupWorkerScript(pathToFileURL(join(dir, bundle)).href).href).toBe(pathToFileURL(join(dir, 'caller-lookup-worker.mjs')).href);
    }
  });

  it('uses the compiled module beside this one without a bundle, and the source in tests', () => {
    expect(callerLookupWorkerScript('file:///app/dist/main/attribution/caller-lookups.js').href).toBe('file:///app/dist/main/attribution/caller-lookup-worker.js');
    expect(callerLookupWorkerScript('file:///nowhere/switchboard.cjs').href).toBe('file:///nowhere/caller-lookup-worker.js');
    expect(callerLookupWorkerScript('file:///src/main/attribution/caller-lookups.ts').href).toBe('file:///src/main/attribution/caller-lookup-worker.ts');
  });
});
