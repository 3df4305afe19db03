// S34: model output and user data are rendered as text. React escapes text by construction, so
// the rule that matters is that nothing in the dashboard writes raw HTML.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('dashboard sources', () => {
  const files = sources('renderer/src');

  it('are found', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(['dangerouslySetInnerHTML', 'innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function'])('never use %s', (api) => {
    expect(files.filter((file) => readFileSync(file, 'utf8').includes(api))).toEqual([]);
  });

  it('never store the admin key anywhere but sessionStorage', () => {
    expect(files.filter((file) => /\blocalStorage\s*\.|document\.cookie|indexedDB\./.test(readFileSync(file, 'utf8')))).toEqual([]);
  });
});
