// Decodes an upstream byte stream into framed events: SSE (text/event-stream) or NDJSON.
// One persistent TextDecoder per stream, so a UTF-8 character split across TCP writes decodes
// whole (api7/aisix#111, claude-code-router PR #1672); partial lines are buffered. It never lets
// a peer make it hold more than one capped event, nor read past the stream cap (S21, S43), and
// never parses JSON.
import { GatewayError } from '../core/gateway-error.js';
import type { StreamEvent } from './provider-adapter.js';

export interface StreamCaps {
  /**
   * One SSE event (its data lines together, however many) or one NDJSON line. Counted as decoded
   * text length (UTF-16 units, never more than the UTF-8 bytes): it bounds what is held in memory.
   */
  maxEventBytes: number;
  /** Every byte of one upstream stream, as received. */
  maxStreamBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Limits no real model stream reaches. One event carries at most one delta: the largest real
 * ones are a whole tool call's arguments or a base64 image (a 1536x1024 PNG from an image model
 * is ~3-5 MiB as base64), hence 16 MiB. A whole stream of 128k output tokens (today's largest
 * output limits) at ~300 bytes of SSE framing per token is ~40 MiB; 512 MiB only stops an
 * upstream that never ends (a local model looping without max_tokens, a misbehaving proxy).
 */
export const DEFAULT_STREAM_CAPS: StreamCaps = { maxEventBytes: 16 * MIB, maxStreamBytes: 512 * MIB };

export interface StreamDecoder {
  /** Feed raw bytes; returns the events completed by them. */
  push(chunk: Uint8Array): StreamEvent[];
  /** The upstream ended: returns an event left without its terminating blank line, if any. */
  end(): StreamEvent[];
}

export function createStreamDecoder(framing: 'sse' | 'ndjson', caps: StreamCaps = DEFAULT_STREAM_CAPS): StreamDecoder {
  const { maxEventBytes, maxStreamBytes } = caps;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let pending = '';
  // Between chunks a CR may end one, with its LF starting the next: skip that LF.
  let skipLeadingLf = false;
  let eventName: string | undefined;
  let data: string[] = [];
  // What the current SSE event holds (data lines and their joining LFs): a counter, not a copy.
  let eventSize = 0;
  let received = 0;

  const tooLarge = () =>
    new GatewayError('upstream_response_too_large', `Upstream sent a stream ${framing === 'sse' ? 'event' : 'line'} larger than ${describeBytes(maxEventBytes)}`);

  function takeLine(line: string, out: StreamEvent[]): void {
    if (framing === 'ndjson') {
      if (line.trim() !== '') out.push({ data: line });
      return;
    }
    if (line === '') {
      if (data.length > 0) out.push(eventName === undefined ? { data: data.join('\n') } : { event: eventName, data: data.join('\n') });
      data = [];
      eventName = undefined;
      eventSize = 0;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment, e.g. keep-alive */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      // An event that never ends (data lines, no blank line) would otherwise grow without bound.
      eventSize += value.length + (data.length > 0 ? 1 : 0);
      if (eventSize > maxEventBytes) throw tooLarge();
      data.push(value);
    } else if (field === 'event') eventName = value;
    // id and retry are meaningless for a one-shot relay.
  }

  function split(text: string, out: StreamEvent[]): void {
    let start = 0;
    if (skipLeadingLf && text.charCodeAt(0) === 10) start = 1;
    skipLeadingLf = false;
    // Line ends found with indexOf (native, ~0.2 µs for 29 KB), not a loop over the characters
    // (~1.6 ns each: 46 µs for one Responses lifecycle event echoing Codex's prompt and tools).
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      let end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      takeLine(pending + text.slice(start, end), out);
      pending = '';
      if (end === cr) {
        if (end + 1 < text.length) {
          if (text.charCodeAt(end + 1) === 10) end++;
        } else {
          skipLeadingLf = true;
        }
      }
      start = end + 1;
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    }
    if (start < text.length) {
      pending += text.slice(start);
      if (eventSize + pending.length > maxEventBytes) throw tooLarge();
    }
  }

  return {
    push(chunk) {
      received += chunk.length;
      if (received > maxStreamBytes) {
        throw new GatewayError('upstream_response_too_large', `Upstream stream exceeded ${describeBytes(maxStreamBytes)} in total`);
      }
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

function describeBytes(n: number): string {
  return n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`;
}
