// multiRowStatement: one SQL statement written for N rows (a multi-row VALUES list or an IN list),
// defined once per size and reused, and powerOfTwoChunks, which splits a batch into sizes 256, 128,
// ..., 2, 1. So a batch of any length runs as at most log2 statements, a connection holds at most
// 9 prepared texts per statement, and no statement binds more than 256 rows' parameters (256 x 25
// usage columns = 6,400, far below SQLite's 32,766 and PostgreSQL's 65,535). Never builds SQL
// from values: only the number of placeholders varies.
import { sql, type SqlStatement } from './sql-statement.js';

export const MAX_ROWS_PER_STATEMENT = 256;

export interface MultiRowStatement {
  /** The statement for exactly `rows` rows (1..MAX_ROWS_PER_STATEMENT), built on first use. */
  forRows(rows: number): SqlStatement;
}

/** `build(n)` returns the SQL text for n rows; each size is built once and kept. */
export function multiRowStatement(build: (rows: number) => string): MultiRowStatement {
  const bySize = new Map<number, SqlStatement>();
  return {
    forRows(rows) {
      if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS_PER_STATEMENT) throw new RangeError(`A multi-row statement takes 1..${MAX_ROWS_PER_STATEMENT} rows (got ${rows}).`);
      let statement = bySize.get(rows);
      if (statement === undefined) {
        statement = sql(build(rows));
        bySize.set(rows, statement);
      }
      return statement;
    },
  };
}

/** `(?, ?, ?), (?, ?, ?)` for rows x columns. */
export function valuesList(rows: number, columns: number): string {
  const tuple = `(${new Array<string>(columns).fill('?').join(', ')})`;
  return new Array<string>(rows).fill(tuple).join(', ');
}

/** `?, ?, ?` for an IN list of n values. */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/** Consecutive slices of `items` whose lengths are powers of two, largest first (at most MAX_ROWS_PER_STATEMENT). */
export function powerOfTwoChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let offset = 0;
  let size = MAX_ROWS_PER_STATEMENT;
  while (offset < items.length) {
    while (size > items.length - offset) size /= 2;
    chunks.push(items.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}
