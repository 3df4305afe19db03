import { describe, expect, it } from 'vitest';
import { parseToolArguments } from '../../../../main/gateway/anthropic-inbound/parse-tool-arguments.js';

describe('parse-tool-arguments', () => {
  it.each([
    ['{"city":"Paris"}', { city: 'Paris' }],
    ['  {"a": [1, {"b": null}]}  ', { a: [1, { b: null }] }],
    ['', {}],
    ['   ', {}],
    ['{}', {}],
  ])('parses %j to its object', (raw, expected) => {
    expect(parseToolArguments(raw)).toEqual(expected);
  });

  it.each([
    ['a truncated object', '{"path": "a.txt", "content": "half a fi'],
    ['broken JSON', "{'city': 'Paris'}"],
    ['a JSON string', '"Paris"'],
    ['a JSON array', '[1, 2]'],
    ['null', 'null'],
  ])('keeps %s whole under _raw_arguments instead of losing or repairing it', (_name, raw) => {
    expect(parseToolArguments(raw)).toEqual({ _raw_arguments: raw });
  });
});
