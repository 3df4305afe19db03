// Decodes an upstream byte stream into framed events: SSE (text/event-stream) or NDJSON.
// One persistent TextDecoder per stream, so a UTF-8 character split across TCP writes decodes
// whole (api7/aisix#111, claude-code-router PR #1672); partial lines are buffered, and a line
// longer than the cap fails the stream instead of growing memory (checklist S21). Never parses JSON.
import { GatewayError } from '../core/gateway-error.js';
import type { StreamEvent } from './provider-adapter.js';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface StreamDecoder {
  /** Feed raw bytes; returns the events completed by them. */
  push(chunk: Uint8Array): StreamEvent[];
  /** The upstream ended: returns an event left without its terminating blank line, if any. */
  end(): StreamEvent[];
}

export function createStreamDecoder(framing: 'sse' | 'ndjson', maxLineBytes = DEFAULT_MAX_LINE_BYTES): StreamDecoder {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = '';
  // Between chunks a CR may end one, with its LF starting the next: skip that LF.
  let skipLeadingLf = false;
  let eventName: string | undefined;
  let data: string[] = [];

  const tooLong = () =>
    new GatewayError('upstream_bad_response', `Upstream sent a stream line longer than ${maxLineBytes} bytes`);

  function takeLine(line: string, out: StreamEvent[]): void {
    if (framing === 'ndjson') {
      if (line.trim() !== '') out.push({ data: line });
      return;
    }
    if (line === '') {
      if (data.length > 0) out.push(eventName === undefined ? { data: data.join('\n') } : { event: eventName, data: data.join('\n') });
      data = [];
      eventName = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment, e.g. keep-alive */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
    // id and retry are meaningless for a one-shot relay.
  }

  function split(text: string, out: StreamEvent[]): void {
    let start = 0;
    if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
    skipLeadingLf = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      takeLine(pending + text.slice(start, i), out);
      pending = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < text.length) {
      pending += text.slice(start);
      // A UTF-16 length bound is a fine proxy for bytes here: it only guards memory.
      if (pending.length > maxLineBytes) throw tooLong();
    }
  }

  return {
    push(chunk) {
      const out: StreamEvent[] = [];
      split(decoder.decode(chunk, { stream: true }), out);
      return out;
    },
    end() {
      const out: StreamEvent[] = [];
      const tail = decoder.decode();
      if (tail) split(tail, out);
      if (pending !== '') {
        takeLine(pending, out);
        pending = '';
      }
      if (framing === 'sse') takeLine('', out);
      return out;
    },
  };
}
