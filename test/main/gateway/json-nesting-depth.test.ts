import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../../../main/gateway/plugins/json-nesting-depth.js';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('exceedsJsonDepth', () => {
  it.each([
    ['a scalar', '1', 0, false],
    ['an empty object at limit 1', '{}', 1, false],
    ['an empty object at limit 0', '{}', 0, true],
    ['three arrays at limit 3', nested(3), 3, false],
    ['four arrays at limit 3', nested(4), 3, true],
    ['siblings do not add up', '[[1],[2],{"a":[3]},[[4]]]', 3, false],
    ['objects and arrays mixed', '{"a":[{"b":[1]}]}', 3, true],
    ['objects and arrays mixed, at the limit', '{"a":[{"b":[1]}]}', 4, false],
  ])('%s', (_name, text, limit, expected) => {
    expect(exceedsJsonDepth(text, limit)).toBe(expected);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\" ok', c: 'ends in a backslash \\', d: '"{{{{"' });
    expect(exceedsJsonDepth(text, 1)).toBe(false);
    expect(exceedsJsonDepth(`[${text}]`, 1)).toBe(true);
  });

  it('counts a bracket right after a string that ends in escaped backslashes', () => {
    // "x\\\\" closes the string (two escaped backslashes); the [ after it is structure.
    expect(exceedsJsonDepth('["x\\\\",[[1]]]', 2)).toBe(true);
    expect(exceedsJsonDepth('["x\\\\",[[1]]]', 3)).toBe(false);
  });

  it('finds the depth exactly at the boundary of a large limit', () => {
    const objects128 = `${'{"a":'.repeat(127)}{}${'}'.repeat(127)}`;
    expect(JSON.parse(objects128)).toBeTypeOf('object');
    expect(exceedsJsonDepth(objects128, 128)).toBe(false);
    expect(exceedsJsonDepth(`[${objects128}]`, 128)).toBe(true);
    expect(exceedsJsonDepth(`{"x":${nested(128)}}`, 128)).toBe(true);
  });

  it('scans 100,000 levels without recursion (no stack overflow)', () => {
    expect(exceedsJsonDepth(nested(100_000), 128)).toBe(true);
    expect(exceedsJsonDepth(nested(100_000), 100_000)).toBe(false);
  });

  it('does not throw on text that is not JSON (the parser reports it)', () => {
    expect(exceedsJsonDepth('"unterminated [[[[', 1)).toBe(false);
    expect(exceedsJsonDepth(']]]]', 1)).toBe(false);
  });
});
