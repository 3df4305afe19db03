import { describe, expect, it } from 'vitest';
import { readSseData } from '../../../../renderer/src/pages/playground/read-sse-data.js';

/** A body delivered in exactly these pieces (strings as UTF-8, or raw bytes). */
function body(pieces: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseData(stream)) out.push(data);
  return out;
}

describe('readSseData', () => {
  it('yields the data of each event in order', async () => {
    expect(await all(body(['data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n']))).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
  });

  it('joins an event split across chunks at any byte, lines included', async () => {
    const text = 'data: {"text":"hello"}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(await all(body([text.slice(0, cut), text.slice(cut)]))).toEqual(['{"text":"hello"}', '[DONE]']);
    }
  });

  it('decodes a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('data: 你好🌍\n\n');
    const pieces = Array.from(bytes, (b) => new Uint8Array([b]));
    expect(await all(body(pieces))).toEqual(['你好🌍']);
  });

  it('accepts CRLF and lone CR line ends, also a CRLF split between chunks', async () => {
    expect(await all(body(['data: one\r\n\r\ndata: two\r\rdata: three\r', '\n\r\n']))).toEqual(['one', 'two', 'three']);
  });

  it('skips comments and other fields, joins several data lines with a newline, keeps a space after the first', async () => {
    expect(await all(body([': keep-alive\n\nevent: message\nid: 7\ndata: first\ndata:  second\ndata\n\n']))).toEqual(['first\n second\n']);
  });

  it('drops an event the body ends in the middle of', async () => {
    expect(await all(body(['data: whole\n\ndata: cut off']))).toEqual(['whole']);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const data of readSseData(stream)) {
      expect(data).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
