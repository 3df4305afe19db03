// V8 keeps a script's source for the life of the process, as one byte per character only when
// every character is Latin-1; one '…' in a comment made the 3.9 MB CLI bundle a 7.9 MB two-byte
// string in the gateway's heap (issue 18, RSS). bundle-cli.mjs escapes non-ASCII in code and drops
// JSDoc comments; this checks the bundle `serve` loads, built from the current sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuiltCli, ROOT } from '../support/cli-process.js';

describe('the CLI bundles (dist/main/switchboard.mjs and the .cjs bin/switchboard.js runs)', () => {
  it.each(['switchboard.mjs', 'switchboard.cjs'])('%s holds only Latin-1 characters, so V8 stores its source one byte per character', (file) => {
    expect(ensureBuiltCli()).toBe(true);
    const source = readFileSync(join(ROOT, 'dist', 'main', file), 'utf8');
    const wide: string[] = [];
    for (const match of source.matchAll(/[^\u0000-\u00ff]/g)) {
      if (wide.length < 5) wide.push(`${JSON.stringify(match[0])} in …${source.slice(Math.max(0, match.index - 40), match.index + 10)}`);
    }
    expect(wide).toEqual([]);
  }, 180_000);

  // bin/switchboard.js runs the CommonJS bundle as a vm.Script with V8's code cache, and an import()
  // in a function restored from that cache throws "A dynamic import callback was not specified"
  // (the keychain could not be opened under `serve`); a module loaded lazily is required instead.
  it('switchboard.cjs has no import() that the code-cached script would run', () => {
    expect(ensureBuiltCli()).toBe(true);
    const source = readFileSync(join(ROOT, 'dist', 'main', 'switchboard.cjs'), 'utf8');
    const dynamic = [...source.matchAll(/\bimport\(\s*["'`]/g)].map((match) => source.slice(match.index, match.index + 60));
    expect(dynamic).toEqual([]);
  }, 180_000);
});
