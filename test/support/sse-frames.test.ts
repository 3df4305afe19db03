// Unit tests for the SSE/NDJSON framing helpers the gateway tests assert with: they must read
// every valid SSE spelling and hand garbage back as raw strings instead of throwing.
import { describe, expect, it } from 'vitest';
import { ndjsonLine, parseNdjsonText, parseSseEvents, parseSseText, sseFrame, SSE_DONE_FRAME } from './sse-frames.js';

describe('sse-frames', () => {
  it('frames an object as one OpenAI-style data event', () => {
    expect(sseFrame({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(sseFrame('[DONE]')).toBe(SSE_DONE_FRAME);
    expect(ndjsonLine({ done: true })).toBe('{"done":true}\n');
  });

  it.each([
    ['LF', 'data: {"a":1}\n\ndata: [DONE]\n\n'],
    ['CRLF', 'data: {"a":1}\r\n\r\ndata: [DONE]\r\n\r\n'],
    ['CR', 'data: {"a":1}\r\rdata: [DONE]\r\r'],
    ['no space after data:', 'data:{"a":1}\n\ndata:[DONE]\n\n'],
    ['comment lines', ': keep-alive\n\ndata: {"a":1}\n: ping\n\ndata: [DONE]\n\n'],
  ])('decodes %s to the same payloads', (_name, text) => {
    expect(parseSseText(text)).toEqual([{ a: 1 }, '[DONE]']);
  });

  it('joins multi-line data with newlines and keeps the event name', () => {
    expect(parseSseEvents('event: message_start\ndata: {"a":\ndata: 1}\n\n')).toEqual([
      { event: 'message_start', data: '{"a":\n1}' },
    ]);
  });

  it('drops an event that never got its terminating blank line', () => {
    expect(parseSseText('data: {"a":1}\n\ndata: {"b":')).toEqual([{ a: 1 }]);
  });

  it('returns undecodable payloads and lines as raw strings instead of throwing', () => {
    expect(parseSseText('data: not json\n\n')).toEqual(['not json']);
    expect(parseNdjsonText('{"a":1}\r\nnope\n\n{"b":2}')).toEqual([{ a: 1 }, 'nope', { b: 2 }]);
  });
});
