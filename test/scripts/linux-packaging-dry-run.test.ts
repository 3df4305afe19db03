// electron-builder's own build() run on Linux, offline (test/support/electron-builder-dry-run.ts):
// the fuse read-back runs on a real Linux build (where afterSign never does), and the deb gets
// the homepage and maintainer it requires from package.json.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fpmOption, linuxDryRun } from '../support/electron-builder-dry-run.js';

// electron-builder on a busy 2-core machine takes seconds: a time limit, not a timing assertion.
const BUILD_MS = 120_000;

describe('npm run dist on Linux (electron-builder, offline)', () => {
  it('reads the fuses back from the packed Linux binary, where nothing is signed', async () => {
    const logged = vi.spyOn(console, 'log');
    const { outDir } = await linuxDryRun({ target: 'dir' });
    const binary = join(outDir, 'linux-unpacked', 'switchboard');
    expect(existsSync(binary)).toBe(true);
    expect(logged.mock.calls.map((call) => String(call[0]))).toContain(`  • fuses verified  file=${binary}`);
    logged.mockRestore();
  }, BUILD_MS);

  it('gives the deb a homepage and a maintainer as "Name <email>" from package.json', async () => {
    const { fpmArgs } = await linuxDryRun({ target: 'deb' });
    expect(fpmArgs).not.toBeNull();
    expect(fpmOption(fpmArgs!, '--url')).toMatch(/^https:\/\/\S+$/);
    expect(fpmOption(fpmArgs!, '--maintainer')).toMatch(/^[^<>]+ <[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>$/);
  }, BUILD_MS);

  it('adds no auto-update feed to the deb (the app has no updater; publish is off)', async () => {
    const { outDir } = await linuxDryRun({ target: 'deb' });
    expect(existsSync(join(outDir, 'linux-unpacked', 'resources', 'app-update.yml'))).toBe(false);
  }, BUILD_MS);

  it('the deb target refuses a package.json without a homepage (what the fields fix)', async () => {
    await expect(linuxDryRun({
      target: 'deb',
      packageJson: (pkg) => {
        delete pkg.homepage;
        delete pkg.repository;
      },
    })).rejects.toThrow(/Please specify project homepage/);
  }, BUILD_MS);
});
