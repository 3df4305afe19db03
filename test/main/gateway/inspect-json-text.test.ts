import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { inspectJsonText } from '../../../main/gateway/plugins/inspect-json-text.js';

const exceedsJsonDepth = (text: string, limit: number) => inspectJsonText(text, limit) === 'too-deep';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('inspectJsonText: nesting depth', () => {
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

describe('inspectJsonText: keys the secure parser must look at', () => {
  it.each([
    ['a top-level __proto__', '{"model":"m","__proto__":{"admin":true}}'],
    ['a constructor deep in a message', '{"messages":[{"role":"user","content":"x","meta":{"constructor":{"prototype":{}}}}]}'],
    ['whitespace before the colon', '{"a":1,"__proto__"\n\t :{}}'],
    ['an escaped __proto__', '{"\\u005f\\u005Fproto__":{}}'],
    ['an escaped constructor', '{"constructo\\u0072":{}}'],
    ['escaped and plain characters mixed', '{"\\u005f_pr\\u006fto\\u005F_":{}}'],
  ])('flags %s', (_name, text) => {
    expect(inspectJsonText(text, 128)).toBe('suspect-key');
  });

  it.each([
    ['no such key', '{"model":"m","messages":[{"role":"user","content":"hi"}]}'],
    ['__proto__ as a value, not a key', '{"a":"__proto__","b":["constructor"]}'],
    ['a quoted key inside a message text', '{"content":"{\\"__proto__\\": 1}"}'],
    ['longer and shorter names', '{"__proto___":1,"_proto__":2,"constructors":3,"construct":4}'],
    ['text that is not JSON', '"unterminated __proto__'],
  ])('passes %s', (_name, text) => {
    expect(inspectJsonText(text, 128)).toBe('plain');
  });

  it('flags every body the secure parser (fastify\'s, as the gateway runs it) refuses', async () => {
    const parse = Fastify().getDefaultJsonParser('error', 'error');
    const refuses = (body: string) => {
      let refused = false;
      parse({} as never, body, (error) => {
        refused = error !== null;
      });
      return refused;
    };
    const bodies = [
      '{"__proto__":{"x":1}}',
      '{"a":[{"\\u005f_proto__":{"x":1}}]}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":{"b":{"constructor":{"prototype":1}}}}',
    ];
    for (const body of bodies) {
      expect(refuses(body), body).toBe(true);
      expect(inspectJsonText(body, 128), body).toBe('suspect-key');
    }
  });

  it('reports depth before keys', () => {
    expect(inspectJsonText('{"__proto__":[[[[1]]]]}', 3)).toBe('too-deep');
  });
});
