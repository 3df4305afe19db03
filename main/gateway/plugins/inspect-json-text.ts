// One pass over a request's JSON text, before anything parses or walks it: whether it nests
// arrays and objects deeper than a limit (S40, S43), and whether any object in it has a key named
// `__proto__` or `constructor` (the keys prototype-poisoning checks look at). No recursion (a check
// that recursed would itself overflow on the 5,000-level bodies it exists to refuse), no
// allocation for ordinary keys; strings are skipped with indexOf, so a body that is mostly message
// text costs little. A body with neither goes to JSON.parse alone; one with such a key to the
// secure parser, which inspects the parsed objects (issue 18: its two regular expressions ran over
// every body's whole text, 3.7 % of the CPU of a 99 KB agent request).
import { jsonStringEnd, skipJsonSpace } from '../../core/json-text-scan.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * 'too-deep': more than `maxDepth` arrays/objects inside one another. 'suspect-key': some key is
 * `__proto__` or `constructor` once its escapes are decoded. 'plain': neither (text that is not
 * JSON at all is 'plain' too: the parser refuses it). Never throws.
 */
export type JsonTextVerdict = 'too-deep' | 'suspect-key' | 'plain';

export function inspectJsonText(text: string, maxDepth: number): JsonTextVerdict {
  let depth = 0;
  let suspect = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const past = jsonStringEnd(text, i);
      // An unterminated string is not JSON: the parser will refuse it.
      if (past === -1) return suspect ? 'suspect-key' : 'plain';
      const end = past - 1;
      if (!suspect && isKey(text, end) && isSuspectKey(text, i, end)) suspect = true;
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return 'too-deep';
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return suspect ? 'suspect-key' : 'plain';
}

/** The string closing at `end` is an object key: the next character after JSON whitespace is ':'. */
function isKey(text: string, end: number): boolean {
  return text.charCodeAt(skipJsonSpace(text, end + 1)) === COLON;
}

/** The key between the quotes at `open` and `close` is `__proto__` or `constructor`, escapes decoded. */
function isSuspectKey(text: string, open: number, close: number): boolean {
  const length = close - open - 1;
  // Escaped, a name is longer than itself: `\u005f` stands for one `_`. Shorter cannot be either.
  if (length < 9) return false;
  let escaped = false;
  for (let k = open + 1; k < close; k++) {
    if (text.charCodeAt(k) === BACKSLASH) {
      escaped = true;
      break;
    }
  }
  if (!escaped) {
    return (length === 9 && text.startsWith('__proto__', open + 1)) || (length === 11 && text.startsWith('constructor', open + 1));
  }
  let name: unknown;
  try {
    name = JSON.parse(text.slice(open, close + 1));
  } catch {
    // Not a valid JSON string: the parser refuses the whole body.
    return false;
  }
  return name === '__proto__' || name === 'constructor';
}
