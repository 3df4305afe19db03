// sql: one SQL statement for both engines, written once in the subset SQLite and PostgreSQL share
// (see docs/storage-engines.md) with `?` placeholders, and its PostgreSQL spelling ($1, $2...)
// derived once, when the statement is defined, never per call. Never builds SQL from values.

export interface SqlStatement {
  /** The text as written, for better-sqlite3. */
  readonly sqlite: string;
  /** The same text with numbered placeholders, for pg. */
  readonly postgresql: string;
}

export function sql(text: string): SqlStatement {
  return { sqlite: text, postgresql: numberPlaceholders(text) };
}

/**
 * `?` becomes `$1`, `$2`... outside quoted strings and identifiers. A `$` outside them is refused:
 * it would be a PostgreSQL-only placeholder or dollar quote, which SQLite reads differently.
 */
function numberPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const char of text) {
    if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      n += 1;
      out += `$${n}`;
    } else if (char === '$') {
      throw new Error(`SQL for both engines must use ? placeholders, not $: ${text}`);
    } else {
      out += char;
    }
  }
  if (quote !== null) throw new Error(`Unterminated ${quote} in SQL: ${text}`);
  return out;
}
