import { describe, expect, it } from 'vitest';
import { isHtmlContentType } from '../../../main/providers/refuse-html-answer.js';

describe('isHtmlContentType', () => {
  it.each([
    ['text/html', true],
    ['text/html; charset=utf-8', true],
    ['Text/HTML;charset=ISO-8859-1', true],
    [' text/html ', true],
    ['application/xhtml+xml', true],
    [['text/html', 'application/json'], true],
    ['application/json', false],
    ['application/json; charset=utf-8', false],
    ['text/event-stream', false],
    ['text/event-stream; charset=utf-8', false],
    ['application/x-ndjson', false],
    ['text/plain', false],
    ['text/htmlx', false],
    ['', false],
    [undefined, false],
  ] as const)('%j -> %s', (header, expected) => {
    expect(isHtmlContentType(header as string | string[] | undefined)).toBe(expected);
  });
});
