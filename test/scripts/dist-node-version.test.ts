// `npm run dist` stops on a Node older than @electron/rebuild (ESM-only) declares, and says why.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distNodeProblem, minimumNode } from '../../scripts/dist-node-version.js';

const root = new URL('../../', import.meta.url);
const rebuildRange = (JSON.parse(readFileSync(new URL('node_modules/@electron/rebuild/package.json', root), 'utf8')) as { engines: { node: string } }).engines.node;

describe('dist-node-version', () => {
  it.each([
    ['20.18.1', false],
    ['20.20.2', false],
    ['22.11.9', false],
    ['22.12.0', true],
    ['v22.12.1', true],
    ['22.13.0', true],
    ['24.0.0', true],
  ])('with engines ">=22.12.0", Node %s may package: %s', (version, ok) => {
    const problem = distNodeProblem(version, '>=22.12.0');
    if (ok) expect(problem).toBeNull();
    else expect(problem).toMatch(new RegExp(`needs Node 22\\.12\\.0 or newer .*this is Node ${version.replace(/^v/, '').replaceAll('.', '\\.')}\\. Switch to Node 22`));
  });

  it('refuses an engines range it cannot read instead of letting any Node through', () => {
    expect(() => minimumNode('^22 || ^24')).toThrow('Cannot read the Node version');
  });

  it('reads the installed @electron/rebuild\'s range', () => {
    expect(() => minimumNode(rebuildRange)).not.toThrow();
  });

  it('npm run dist checks first, and the check exits non-zero with the message on a Node that is too old', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toMatch(/^node scripts\/check-dist-node\.mjs && /);
    const run = spawnSync(process.execPath, ['scripts/check-dist-node.mjs'], { cwd: root, encoding: 'utf8' });
    const problem = distNodeProblem(process.versions.node, rebuildRange);
    expect(run.status).toBe(problem === null ? 0 : 1);
    expect(run.stderr.trim()).toBe(problem ?? '');
  });
});
