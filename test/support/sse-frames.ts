// Framing helpers for tests: build SSE frames / NDJSON lines the way upstreams write them, and
// parse what a client received back into payloads for assertions.
// The parsers follow the SSE spec (CRLF/CR/LF, comments, optional space after "data:") but are
// for assertions only: they never throw on garbage, they hand it back as a raw string.

/** The terminating frame of an OpenAI-style stream. */
export const SSE_DONE_FRAME = 'data: [DONE]\n\n';

/** One SSE frame carrying `obj` as JSON (or a string payload verbatim), as OpenAI writes it. */
export function sseFrame(obj: unknown): string {
  const data = typeof obj === 'string' ? obj : JSON.stringify(obj);
  return `data: ${data}\n\n`;
}

/** One NDJSON line, as Ollama writes it. */
export function ndjsonLine(obj: unknown): string {
  return `${JSON.stringify(obj)}\n`;
}

export interface SseEvent {
  event?: string;
  data: string;
}

/** Parses SSE text into events per the WHATWG rules; an unterminated last event is dropped. */
export function parseSseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  let data: string[] = [];
  let event: string | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  // The element after the last line break is an incomplete line: it never dispatches.
  lines.pop();
  for (const line of lines) {
    if (line === '') {
      if (data.length > 0) events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
      data = [];
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  return events;
}

/** Data payloads of an SSE text: JSON parsed where it parses, otherwise the raw string ('[DONE]'). */
export function parseSseText(text: string): unknown[] {
  return parseSseEvents(text).map((e) => parseOrRaw(e.data));
}

/** Lines of an NDJSON text: JSON parsed where it parses, otherwise the raw line; blank lines skipped. */
export function parseNdjsonText(text: string): unknown[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l !== '')
    .map(parseOrRaw);
}

function parseOrRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
