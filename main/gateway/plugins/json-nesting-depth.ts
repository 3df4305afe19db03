// Tells whether JSON text nests arrays and objects deeper than a limit, from the text alone,
// before anything parses or walks it (S40, S43). One pass, no recursion (a check that recursed
// would itself overflow on the 5,000-level bodies it exists to refuse), no allocation; strings
// are skipped with indexOf, so a body that is mostly message text costs little.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when `text` opens more than `maxDepth` arrays/objects inside one another. Never throws. */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  // Deeper than maxDepth takes at least maxDepth + 1 opening brackets.
  if (text.length <= maxDepth) return false;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      // An unterminated string is not JSON: the parser will refuse it.
      if (end === -1) return false;
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** A quote is escaped when an odd number of backslashes precede it. */
function isEscaped(text: string, quote: number): boolean {
  let k = quote - 1;
  while (text.charCodeAt(k) === BACKSLASH) k--;
  return (quote - 1 - k) % 2 === 1;
}
