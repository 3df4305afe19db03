import { describe, expect, it } from 'vitest';
import { sql } from '../../../main/storage/sql-statement.js';

describe('sql', () => {
  it('keeps the SQLite text and numbers the placeholders for PostgreSQL', () => {
    const statement = sql('UPDATE t SET a = ?, b = ? WHERE id = ? RETURNING a');
    expect(statement.sqlite).toBe('UPDATE t SET a = ?, b = ? WHERE id = ? RETURNING a');
    expect(statement.postgresql).toBe('UPDATE t SET a = $1, b = $2 WHERE id = $3 RETURNING a');
  });

  it('leaves a ? inside a string literal or a quoted identifier alone', () => {
    expect(sql(`SELECT '?', "what?" FROM t WHERE x = ? AND y = 'it''s ?'`).postgresql).toBe(`SELECT '?', "what?" FROM t WHERE x = $1 AND y = 'it''s ?'`);
  });

  it('reads a quote of the other kind, a $ or a ? inside a quoted run as text', () => {
    expect(sql(`SELECT 'a"b $1 ?', "c'd?" FROM t WHERE x = ? AND y = ''`).postgresql).toBe(`SELECT 'a"b $1 ?', "c'd?" FROM t WHERE x = $1 AND y = ''`);
  });

  it.each([
    ['a PostgreSQL placeholder', 'SELECT * FROM t WHERE id = $1', /must use \? placeholders/],
    ['an unterminated string', "SELECT 'oops FROM t", /Unterminated '/],
    ['an unterminated identifier after a string', `SELECT 'a', "b FROM t WHERE x = ?`, /Unterminated "/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => sql(text)).toThrow(message);
  });
});
