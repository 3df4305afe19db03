// The desktop and `npm start` run on SQLite and must not load the PostgreSQL driver: pg is loaded
// only by the modules that open a PostgreSQL connection, which nothing on the SQLite path imports
// at run time (type-only imports are erased, so they do not count). A dynamic import() loads its
// module only when the code path that runs it is taken (`switchboard db copy`, and `serve` with a
// postgresql:// URL, which imports team mode's entry, start-team-gateway.ts), so the walk of
// what loads at start follows static imports; the bundle keeps such modules lazy (bundle-cli.mjs).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Specifiers a module imports at run time: `import x from`, `import {a, type B} from`, `export ... from`, and with `dynamic`, `import('...')`. */
function runtimeImports(source: string, dynamic: boolean): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    if (match[2] !== undefined) continue;
    found.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1]!);
  if (dynamic) for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!);
  return found;
}

/** Every package a module reaches at run time, with the chain of files that leads to it. */
function reachedPackages(entry: string, { dynamic = false } = {}): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'), dynamic)) {
      if (!specifier.startsWith('.')) {
        if (!packages.has(specifier)) packages.set(specifier, [...chain, relative(root, file)]);
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (existsSync(target)) visit(target, [...chain, relative(root, file)]);
    }
  };
  visit(join(root, entry), []);
  return packages;
}

describe('the SQLite path', () => {
  // The gateway's worker thread is started from a file URL, not imported: its own entry is walked
  // too, its import()s included (it loads each service's code, and the SQLite driver, on attach).
  it.each([['main/cli.ts', false], ['main/start-gateway.ts', false], ['main/gateway-worker.ts', true]] as const)('%s never loads pg', (entry, dynamic) => {
    const packages = reachedPackages(entry, { dynamic });
    // The walk must see the tree, or an empty result would pass.
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(packages.get('pg')).toBeUndefined();
  });

  it('sees pg where a PostgreSQL connection is opened', () => {
    expect(reachedPackages('main/storage/open-postgres-pool.ts').has('pg')).toBe(true);
    expect(reachedPackages('main/storage/migrate-postgres-database.ts').has('pg')).toBe(true);
    expect(reachedPackages('main/cli/db-copy-command.ts').has('pg')).toBe(true);
  });

  it('reaches pg from main/cli.ts only through an import(): `db copy`, or serve\'s team mode', () => {
    // Following import() too, pg is reached (the walk sees it), through one of the two lazy modules.
    const chain = reachedPackages('main/cli.ts', { dynamic: true }).get('pg');
    expect(chain).toBeDefined();
    expect(chain!.filter((file) => file === 'main/cli/db-copy-command.ts' || file === 'main/start-team-gateway.ts')).toHaveLength(1);
  });

  it('loads team mode only through the import() in serve, for a PostgreSQL URL', () => {
    expect(reachedPackages('main/start-team-gateway.ts').has('pg')).toBe(true);
    const serve = readFileSync(join(root, 'main/cli/serve-command.ts'), 'utf8');
    expect(serve).toMatch(/await import\('\.\.\/start-team-gateway\.js'\)/);
    expect(serve).not.toMatch(/^import [^;]*start-team-gateway/m);
  });
});
