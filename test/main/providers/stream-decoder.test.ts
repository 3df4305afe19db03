import { describe, expect, it } from 'vitest';
import { createStreamDecoder, DEFAULT_STREAM_CAPS, type StreamCaps } from '../../../main/providers/stream-decoder.js';
import type { StreamEvent } from '../../../main/providers/provider-adapter.js';
import { expectGatewayError } from './expect-gateway-error.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const caps = (overrides: Partial<StreamCaps>): StreamCaps => ({ ...DEFAULT_STREAM_CAPS, ...overrides });

/** Feeds each piece as its own read, then ends the stream; returns every event. */
function decode(framing: 'sse' | 'ndjson', pieces: (string | Uint8Array)[], limits: StreamCaps = DEFAULT_STREAM_CAPS): StreamEvent[] {
  const decoder = createStreamDecoder(framing, limits);
  const events: StreamEvent[] = [];
  for (const piece of pieces) events.push(...decoder.push(typeof piece === 'string' ? bytes(piece) : piece));
  events.push(...decoder.end());
  return events;
}

describe('createStreamDecoder (SSE)', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('decodes events separated by %s line endings', (_name, eol) => {
    const text = `data: {"a":1}${eol}${eol}event: ping${eol}data: {"b":2}${eol}${eol}`;
    expect(decode('sse', [text])).toEqual([{ data: '{"a":1}' }, { event: 'ping', data: '{"b":2}' }]);
  });

  it('treats a CR ending one read and the LF starting the next as one line ending, not a blank line', () => {
    // Read as two line endings, the LF would end the event after "first" and split it in two.
    const events = decode('sse', ['data: first\r', '\ndata: second\r\n\r\n']);
    expect(events).toEqual([{ data: 'first\nsecond' }]);
  });

  it('ends an event on CRLF CRLF split between reads at every position', () => {
    const text = 'data: one\r\n\r\ndata: two\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(decode('sse', [text.slice(0, cut), text.slice(cut)])).toEqual([{ data: 'one' }, { data: 'two' }]);
    }
  });

  it('reads line endings mixed in one read (LF, CR, CRLF, in any order) as the lines a reference reader finds, cut anywhere', () => {
    // A reference: every line ending of the whole text, one at a time, with no chunking to get wrong.
    // (A CR line ending followed by an LF one reads as one CRLF, in both.)
    const reference = (text: string): StreamEvent[] => {
      const events: StreamEvent[] = [];
      let data: string[] = [];
      let name: string | undefined;
      // The decoder hands over an event left without its blank line at the end: so does this.
      for (const line of [...text.split(/\r\n|\r|\n/).slice(0, -1), '']) {
        if (line === '') {
          if (data.length > 0) events.push(name === undefined ? { data: data.join('\n') } : { event: name, data: data.join('\n') });
          data = [];
          name = undefined;
        } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        else if (line.startsWith('event:')) name = line.slice(line.startsWith('event: ') ? 7 : 6);
      }
      return events;
    };
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The high bits: an LCG's low bits repeat with a short period.
      return Math.floor(seed / 65536) % n;
    };
    const endings = ['\n', '\r', '\r\n'];
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let event = 0; event < 1 + random(5); event++) {
        if (random(3) === 0) text += `event: e${event}${endings[random(3)]}`;
        for (let line = 0; line < 1 + random(3); line++) text += `data: {"n":${round},"line":${line}}${endings[random(3)]}`;
        text += endings[random(3)];
      }
      const cuts = [random(text.length), random(text.length)].sort((a, b) => a - b);
      const pieces = [text.slice(0, cuts[0]), text.slice(cuts[0], cuts[1]), text.slice(cuts[1])].filter((piece) => piece !== '');
      expect(decode('sse', pieces), JSON.stringify(pieces)).toEqual(reference(text));
    }
  });

  it('skips comments such as ": keep-alive" and fields it does not use', () => {
    const events = decode('sse', [': keep-alive\n\nid: 7\nretry: 1000\n: still here\ndata: x\n\n:\n\n']);
    expect(events).toEqual([{ data: 'x' }]);
  });

  it('accepts "data:" without a space and keeps a second space as content', () => {
    expect(decode('sse', ['data:{"a":1}\n\ndata:  two\n\n'])).toEqual([{ data: '{"a":1}' }, { data: ' two' }]);
  });

  it('joins multi-line data with LF', () => {
    expect(decode('sse', ['data: {\ndata: "a": 1\ndata: }\n\n'])).toEqual([{ data: '{\n"a": 1\n}' }]);
  });

  it('decodes a UTF-8 character whose bytes arrive in separate reads', () => {
    const all = bytes('data: 你🌍\n\n');
    const globe = all.indexOf(bytes('🌍'));
    const you = all.indexOf(bytes('你'));
    // 你 = E4 | BD A0, 🌍 = F0 9F | 8C | 8D
    const pieces = [all.subarray(0, you + 1), all.subarray(you + 1, globe + 2), all.subarray(globe + 2, globe + 3), all.subarray(globe + 3)];
    expect(decode('sse', pieces)).toEqual([{ data: '你🌍' }]);
  });

  it('turns genuinely invalid bytes into U+FFFD instead of throwing', () => {
    const events = decode('sse', [Buffer.concat([bytes('data: a'), Buffer.from([0xff, 0xfe]), bytes('b\n\n')])]);
    expect(events).toEqual([{ data: 'a\uFFFD\uFFFDb' }]);
  });

  it('returns an event left without its blank line when the upstream ends', () => {
    expect(decode('sse', ['data: last'])).toEqual([{ data: 'last' }]);
  });

  describe('caps (checklist S43)', () => {
    it('fails a never-ending event (data lines, no blank line) at the event cap, however short each line is', () => {
      const decoder = createStreamDecoder('sse', caps({ maxEventBytes: 1000 }));
      const line = bytes(`data: ${'x'.repeat(94)}\n`);
      let fed = 0;
      const error = expectGatewayError(() => {
        for (let i = 0; i < 1000; i++) {
          decoder.push(line);
          fed += line.length;
        }
      }, 'upstream_response_too_large');
      expect(error.message).toContain('1000 bytes');
      // It stopped near the cap, not after everything the upstream had to send.
      expect(fed).toBeLessThan(1200);
    });

    it('fails one line without a line ending at the event cap', () => {
      const decoder = createStreamDecoder('sse', caps({ maxEventBytes: 1000 }));
      decoder.push(bytes(`data: ${'x'.repeat(900)}`));
      expectGatewayError(() => decoder.push(bytes('x'.repeat(200))), 'upstream_response_too_large');
    });

    it('lets an event of exactly the cap through, and the next event starts from zero', () => {
      const data = 'x'.repeat(1000);
      const events = decode('sse', [`data: ${data}\n\n`, `data: ${data}\n\n`], caps({ maxEventBytes: 1000 }));
      expect(events).toEqual([{ data }, { data }]);
    });

    it('does not count comments against the event cap (they are not kept), only against the stream cap', () => {
      const keepAlive = ': keep-alive\n'.repeat(200);
      expect(decode('sse', [keepAlive, 'data: x\n\n'], caps({ maxEventBytes: 100 }))).toEqual([{ data: 'x' }]);
    });

    it('fails the stream once its bytes pass the stream cap, even when every event is small', () => {
      const decoder = createStreamDecoder('sse', caps({ maxStreamBytes: 10_000 }));
      const frame = bytes(`data: ${'y'.repeat(93)}\n\n`);
      let events = 0;
      const error = expectGatewayError(() => {
        for (let i = 0; i < 1000; i++) events += decoder.push(frame).length;
      }, 'upstream_response_too_large');
      expect(error.message).toContain('10000 bytes');
      // Every whole frame within the cap was decoded; the read that crossed it was not.
      expect(events).toBe(Math.floor(10_000 / frame.length));
    });

    it('states the default caps in MiB', () => {
      const decoder = createStreamDecoder('sse');
      const error = expectGatewayError(() => {
        decoder.push(bytes('data: '));
        for (let i = 0; i <= DEFAULT_STREAM_CAPS.maxEventBytes / (1024 * 1024); i++) decoder.push(Buffer.alloc(1024 * 1024, 0x61));
      }, 'upstream_response_too_large');
      expect(error.message).toContain(`${DEFAULT_STREAM_CAPS.maxEventBytes / (1024 * 1024)} MiB`);
    });
  });
});

describe('createStreamDecoder (NDJSON)', () => {
  it('decodes one event per line, any line ending, skipping blank lines', () => {
    const events = decode('ndjson', ['{"a":1}\r\n', '\n{"b":', '2}\r{"c":3}']);
    expect(events).toEqual([{ data: '{"a":1}' }, { data: '{"b":2}' }, { data: '{"c":3}' }]);
  });

  it('fails a line longer than the cap', () => {
    const decoder = createStreamDecoder('ndjson', caps({ maxEventBytes: 500 }));
    expect(decoder.push(bytes(`${'{"ok":1}'}\n`))).toEqual([{ data: '{"ok":1}' }]);
    decoder.push(bytes(`{"message":{"content":"${'z'.repeat(400)}`));
    const error = expectGatewayError(() => decoder.push(bytes('z'.repeat(200))), 'upstream_response_too_large');
    expect(error.message).toBe('Upstream sent a stream line larger than 500 bytes');
  });

  it('fails at the stream cap', () => {
    const decoder = createStreamDecoder('ndjson', caps({ maxStreamBytes: 1_000 }));
    expectGatewayError(() => {
      for (let i = 0; i < 200; i++) decoder.push(bytes('{"done":false}\n'));
    }, 'upstream_response_too_large');
  });
});
