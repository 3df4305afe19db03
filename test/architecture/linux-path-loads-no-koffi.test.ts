// The Linux caller lookups must not load koffi (the FFI the macOS and Windows lookups use): they
// read /proc, and koffi is an optional dependency that may be absent. (The gateway's start loads it
// once on Linux for glibc's mallopt, main/limit-malloc-arenas.ts, through the same loadKoffi, and
// carries on without it where it is missing.) koffi is named in one file only,
// main/attribution/load-koffi.ts, through createRequire (which no import walk and no bundler
// follows), and loadKoffi() runs only inside the macOS and Windows lookups, after their platform
// check. So: no module imports koffi, only load-koffi.ts requires it, and importing the lookups,
// creating them and calling them on Linux leaves koffi unloaded.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const koffiLoaded = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\/]node_modules[\\/](koffi|@koromix)[\\/]/.test(path));

describe('koffi on the Linux path', () => {
  it('is imported by no module and required by load-koffi.ts only', () => {
    const naming: string[] = [];
    for (const file of [...sources(join(root, 'main')), ...sources(join(root, 'shared'))]) {
      const source = readFileSync(file, 'utf8');
      if (/from\s+['"]koffi['"]|import\(\s*['"]koffi['"]\s*\)|^\s*import\s+['"]koffi['"]/m.test(source)) naming.push(`${relative(root, file)} (import)`);
      if (/\(\s*['"]koffi['"]\s*\)/.test(source)) naming.push(relative(root, file));
    }
    // The scan must see the one legitimate use, or an empty result would pass.
    expect(naming).toEqual([join('main', 'attribution', 'load-koffi.ts')]);
  });

  it('is not loaded by importing, creating or calling the macOS and Windows lookups on Linux', async () => {
    expect(process.platform).toBe('linux');
    expect(koffiLoaded()).toEqual([]);
    const { createDarwinSocketOwner } = await import('../../main/attribution/darwin-socket-owner.js');
    const { createWin32SocketOwner } = await import('../../main/attribution/win32-socket-owner.js');
    const connection = { clientAddress: '127.0.0.1', clientPort: 50001, serverAddress: '127.0.0.1', serverPort: 4141 };
    expect(createDarwinSocketOwner()(connection)).toBeNull();
    expect(createWin32SocketOwner()(connection)).toBeNull();
    expect(koffiLoaded()).toEqual([]);
  });

  it('is seen by this check once loaded (the check can fail)', async () => {
    const { loadKoffi } = await import('../../main/attribution/load-koffi.js');
    expect(loadKoffi()).not.toBeNull();
    expect(koffiLoaded().length).toBeGreaterThan(0);
  });
});
