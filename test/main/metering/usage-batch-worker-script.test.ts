// Where the usage ledger's worker script is found, for each way the gateway is loaded. The
// launcher runs the CommonJS copy of the CLI bundle (bin/load-cli-bundle.js, for V8's code cache):
// a lookup that only knew `.mjs` pointed the CommonJS bundle at a file that does not exist, and
// the ledger quietly wrote on the main thread again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { usageBatchWorkerScript } from '../../../main/metering/usage-batch-worker-client.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('usageBatchWorkerScript', () => {
  it('finds the bundled worker beside the CLI bundle, ES module or CommonJS', () => {
    dir = mkdtempSync(join(tmpdir(), 'usage-worker-script-'));
    writeFileSync(join(dir, 'usage-batch-worker.mjs'), '');
    for (const bundle of ['switchboard.mjs', 'switchboard.cjs']) {
      expect(usageBatchWorkerScript(pathToFileURL(join(dir, bundle)).href).href).toBe(pathToFileURL(join(dir, 'usage-batch-worker.mjs')).href);
    }
  });

  it('uses the compiled module beside this one without a bundle, and the source in tests', () => {
    expect(usageBatchWorkerScript('file:///app/dist/main/metering/usage-batch-worker-client.js').href).toBe('file:///app/dist/main/metering/usage-batch-worker.js');
    expect(usageBatchWorkerScript('file:///src/main/metering/usage-batch-worker-client.ts').href).toBe('file:///src/main/metering/usage-batch-worker.ts');
  });
});
