// No getters or setters in object literals under main/, except in objects made once per process.
// A literal's accessor is a new function for every object it makes, and V8 keeps accessors in the
// hidden class: every such object gets a hidden class of its own, created in the old generation.
// Made per request (a stream encoder, a token counter), that was ~2 KB promoted per request and
// nine full collections per 10,000 requests for the Responses bridge (issue 18, eighth round).
// Methods, or a class (whose getters live on its prototype), share one hidden class.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Made once per gateway, never per request: their getters read settings that change at run time. */
const ONCE_PER_PROCESS = new Set([
  'main/gateway/plugins/authenticate.ts', // createAuthenticator: one per server
  'main/gateway/ollama-discovery/allow-keyless-ollama-clients.ts', // wraps that authenticator, once
]);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** `file:line name` of every accessor declared directly in an object literal. */
export function literalAccessors(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) && ts.isObjectLiteralExpression(node.parent)) {
      found.push(`${fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${node.name.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('object literals under main/', () => {
  it('declare no getters or setters, outside the objects made once per process', () => {
    const found: string[] = [];
    let files = 0;
    for (const path of sources(join(root, 'main'))) {
      const name = relative(root, path).split(sep).join('/');
      files++;
      if (ONCE_PER_PROCESS.has(name)) continue;
      found.push(...literalAccessors(name, readFileSync(path, 'utf8')));
    }
    // The walk must see the tree, or an empty list would pass.
    expect(files).toBeGreaterThan(300);
    expect(found).toEqual([]);
  });

  it('the allowed files still have what they are allowed for (an entry left after a change would excuse a new getter)', () => {
    for (const name of ONCE_PER_PROCESS) expect(literalAccessors(name, readFileSync(join(root, name), 'utf8')), name).not.toEqual([]);
  });

  it('finds a getter and a setter in a literal, and not a class accessor', () => {
    const text = 'export const a = () => ({ get x() { return 1; }, set y(v: number) {} });\nclass C { get z() { return 2; } }\n';
    expect(literalAccessors('f.ts', text)).toEqual(['f.ts:1 x', 'f.ts:1 y']);
  });
});
