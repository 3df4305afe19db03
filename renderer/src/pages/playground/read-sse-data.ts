// Reads a Server-Sent Events body as the data of each event, in order, as the WHATWG
// event-stream rules say: lines end in \n, \r\n or \r (also split across chunks), multi-byte
// characters split across chunks are decoded whole, `:` lines are comments, several `data:` lines
// make one event joined by \n, and an event cut off by the end of the body is not delivered.
// Never parses JSON; cancels the body when its reader stops early.

export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/[\r\n]/);
        if (end === -1) break;
        // A \r at the very end may be the first half of a \r\n still on its way.
        if (buffer[end] === '\r' && end === buffer.length - 1 && !done) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
        if (line === '') {
          if (data.length > 0) yield data.join('\n');
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        if (field !== 'data') continue;
        const rest = colon === -1 ? '' : line.slice(colon + 1);
        data.push(rest.startsWith(' ') ? rest.slice(1) : rest);
      }
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
