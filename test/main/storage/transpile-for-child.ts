// Test helper: turns a TypeScript module and everything it imports relatively into plain ESM
// JavaScript in a temp folder, so a child `node` process (which cannot load .ts on Node 20)
// runs our real code. node_modules is linked in so bare imports like better-sqlite3 resolve.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Transpiles `entries` (repo-relative .ts paths) and their relative imports; returns outDir paths of the entries. */
export function transpileForChild(entries: string[], outDir: string): string[] {
  const done = new Set<string>();
  const queue = entries.map((entry) => resolve(REPO_ROOT, entry));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    const target = join(outDir, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
    for (const match of output.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      queue.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return entries.map((entry) => join(outDir, entry).replace(/\.ts$/, '.js'));
}
