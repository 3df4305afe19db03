// Where the gateway's worker script is found, for each way the gateway is loaded. The launcher
// runs the CommonJS copy of the CLI bundle (bin/load-cli-bundle.js, for V8's code cache): a lookup
// that only knew `.mjs` pointed the CommonJS bundle at a file that does not exist, and the ledger
// quietly wrote on the main thread again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayWorkerScript } from '../../../main/core/gateway-worker-thread.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('gatewayWorkerScript', () => {
  it('finds the bundled worker beside the CLI bundle, ES module or CommonJS', () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-worker-script-'));
    writeFileSync(join(dir, 'gateway-worker.mjs'), '');
    for (const bundle of ['switchboard.mjs', 'switchboard.cjs']) {
      expect(gatewayWorkerScript(pathToFileURL(join(dir, bundle)).href).href).toBe(pathToFileURL(join(dir, 'gateway-worker.mjs')).href);
    }
  });

  it('uses the compiled module beside this one without a bundle, and the source in tests', () => {
    expect(gatewayWorkerScript('file:///app/dist/main/core/gateway-worker-thread.js').href).toBe('file:///app/dist/main/gateway-worker.js');
    expect(gatewayWorkerScript('file:///src/main/core/gateway-worker-thread.ts').href).toBe('file:///src/main/gateway-worker.ts');
  });
});
