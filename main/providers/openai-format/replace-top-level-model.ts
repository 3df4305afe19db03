// The client's JSON request text with only its top-level "model" value replaced, so a body that
// needs no other change goes upstream as the client's bytes instead of being serialised again
// (issue 18 item 3). It reads text JSON.parse has already accepted, and never guesses: whatever it
// cannot prove is the same request the gateway validated gives undefined, and the caller
// serialises the parsed body as before.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * `text` (one JSON object, already parsed to the body the gateway validated) with its top-level
 * `"model"` string replaced by `model`; `text` itself when `model` is undefined (the upstream
 * reads the model from its URL). Undefined, so the caller serialises the parsed body instead, when:
 * - a top-level key appears twice: JSON.parse kept the last value, an upstream may read the first,
 *   and the budget hold read max_tokens/n/best_of from the parsed body (S37);
 * - a top-level key holds an escape (`"mod\u0065l"`): its name is only known after decoding;
 * - the model value holds an escape, or there is no top-level "model" while one must be set.
 */
export function replaceTopLevelModel(text: string, model: string | undefined): string | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  // Top-level keys are few (a dozen at most in practice): a linear search beats a Set here.
  const keys: string[] = [];
  let modelStart = -1;
  let modelEnd = -1;
  if (text.charCodeAt(i) === CLOSE_BRACE) return model === undefined ? text : undefined;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\') || keys.includes(key)) return undefined;
    keys.push(key);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    const valueEnd = text.charCodeAt(i) === QUOTE ? stringEnd(text, i) : valueEndOf(text, i);
    if (valueEnd < 0) return undefined;
    if (key === 'model') {
      if (text.charCodeAt(i) !== QUOTE) return undefined;
      const escape = text.indexOf('\\', i);
      if (escape >= 0 && escape < valueEnd) return undefined;
      modelStart = i;
      modelEnd = valueEnd;
    }
    i = skipSpace(text, valueEnd);
    const next = text.charCodeAt(i);
    if (next === COMMA) {
      i = skipSpace(text, i + 1);
      continue;
    }
    if (next !== CLOSE_BRACE) return undefined;
    if (skipSpace(text, i + 1) !== text.length) return undefined;
    break;
  }
  if (model === undefined) return text;
  if (modelStart < 0) return undefined;
  return text.slice(0, modelStart) + JSON.stringify(model) + text.slice(modelEnd);
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** Index just past the string starting at `start` (its opening quote); -1 if it never closes. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    // indexOf runs natively: long message contents are skipped without a per-character loop.
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let j = quote - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Index just past a non-string value (object, array, number, literal) starting at `start`. */
function valueEndOf(text: string, start: number): number {
  let depth = 0;
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return depth === 0 ? i : -1;
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) return i;
    i++;
  }
}
