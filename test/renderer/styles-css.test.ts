// The dashboard's one stylesheet is appended to by many features; a block left open (as a merge
// once did) silently swallows every rule after it in the browser, with no build error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function openBlocksAtEnd(css: string): { depth: number; firstNegativeLine: number | null } {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""');
  let depth = 0;
  let firstNegativeLine: number | null = null;
  text.split('\n').forEach((line, index) => {
    for (const char of line) {
      if (char === '{') depth += 1;
      if (char === '}') depth -= 1;
      if (depth < 0 && firstNegativeLine === null) firstNegativeLine = index + 1;
    }
  });
  return { depth, firstNegativeLine };
}

describe('renderer/src/styles.css', () => {
  it('closes every block it opens', () => {
    expect(openBlocksAtEnd(readFileSync(resolve('renderer/src/styles.css'), 'utf8'))).toEqual({ depth: 0, firstNegativeLine: null });
  });

  it('the check sees a block left open', () => {
    expect(openBlocksAtEnd('.a {\n  color: red;\n/* } */\n.b { color: blue; }\n').depth).toBe(1);
  });
});
