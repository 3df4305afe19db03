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

/** A quoted string or identifier (left as is), a lone quote (never closed), a placeholder, a dollar. */
const SQL_TOKENS = /'[^']*'|"[^"]*"|['"?$]/g;

/**
 * `?` becomes `$1`, `$2`... outside quoted strings and identifiers. A `$` outside them is refused:
 * it would be a PostgreSQL-only placeholder or dollar quote, which SQLite reads differently.
 * One regular-expression pass rather than a loop over characters: every statement is numbered at
 * import, and the loop was ~20 ms of the CLI's start-up (issue 18, start-up). A quoted run is
 * matched whole (an escaped '' is two runs back to back); a quote left over opens none that ends.
 */
function numberPlaceholders(text: string): string {
  let n = 0;
  return text.replace(SQL_TOKENS, (token) => {
    if (token === '?') return `$${++n}`;
    if (token === '$') throw new Error(`SQL for both engines must use ? placeholders, not $: ${text}`);
    if (token.length === 1) throw new Error(`Unterminated ${token} in SQL: ${text}`);
    return token;
  });
}
