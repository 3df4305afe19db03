// Two steps of walking JSON text without parsing it, shared by the body parser's one-pass check
// (gateway/plugins/inspect-json-text.ts) and the in-place request rewrite
// (providers/openai-format/rewrite-request-text.ts).
const BACKSLASH = 0x5c;

/** The index of the first character at or after `i` that is not JSON whitespace (space, tab, LF, CR). */
export function skipJsonSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** Index just past the string starting at `start` (its opening quote); -1 if it never closes. */
export function jsonStringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    // indexOf runs natively: long message contents are skipped without a per-character loop.
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let j = quote - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}
