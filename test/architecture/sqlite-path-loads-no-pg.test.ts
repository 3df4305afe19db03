// The desktop and `npm start` run on SQLite and must not load the PostgreSQL driver: pg is loaded
// only by the modules that open a PostgreSQL connection, which nothing on the SQLite path imports
// at run time (type-only imports are erased, so they do not count). The one way in is team mode's
// entry, start-team-gateway.ts, which `serve` imports dynamically only for a postgresql:// URL.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Specifiers a module imports at run time: `import x from`, `import {a, type B} from`, `export ... from`, `import('...')`. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    if (match[2] !== undefined) continue;
    found.push(match[4]!);
  }
  for (const match of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1]!);
  return found;
}

/** The team-mode entry: loaded by a dynamic import, only when a PostgreSQL URL selects team mode. */
const TEAM_MODE_ENTRY = 'main/start-team-gateway.ts';

/** Every package a module reaches at run time, with the chain of files that leads to it; `teamMode` follows the dynamic import into team mode. */
function reachedPackages(entry: string, teamMode = false): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) {
        if (!packages.has(specifier)) packages.set(specifier, [...chain, relative(root, file)]);
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      if (!teamMode && relative(root, target) === TEAM_MODE_ENTRY) continue;
      if (existsSync(target)) visit(target, [...chain, relative(root, file)]);
    }
  };
  visit(join(root, entry), []);
  return packages;
}

describe('the SQLite path', () => {
  it.each(['main/cli.ts', 'main/start-gateway.ts'])('%s never loads pg', (entry) => {
    const packages = reachedPackages(entry);
    // The walk must see the tree, or an empty result would pass.
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(packages.get('pg')).toBeUndefined();
  });

  it('reaches pg from the CLI only through the team-mode entry, which serve imports dynamically', () => {
    const chain = reachedPackages('main/cli.ts', true).get('pg');
    expect(chain).toBeDefined();
    expect(chain).toContain(TEAM_MODE_ENTRY);
    expect(readFileSync(join(root, 'main/cli/serve-command.ts'), 'utf8')).toMatch(/await import\('\.\.\/start-team-gateway\.js'\)/);
    expect(readFileSync(join(root, 'main/cli/serve-command.ts'), 'utf8')).not.toMatch(/^import [^;]*start-team-gateway/m);
  });

  it('sees pg where a PostgreSQL connection is opened', () => {
    expect(reachedPackages('main/storage/open-postgres-pool.ts').has('pg')).toBe(true);
    expect(reachedPackages('main/storage/migrate-postgres-database.ts').has('pg')).toBe(true);
  });
});
