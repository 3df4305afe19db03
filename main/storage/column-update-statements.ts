// One UPDATE per set of columns a repository update changes, defined the first time that set is
// seen (the sql() shim then runs once per shape, never per call). Shared by the key, team and user
// repositories: `UPDATE <table> SET a = ?, b = ?, updated_at = ? WHERE id = ?`.
import { sql, type SqlStatement } from './sql-statement.js';

export function columnUpdateStatements<Column extends string>(table: string): (columns: readonly Column[]) => SqlStatement {
  const statements = new Map<string, SqlStatement>();
  return (columns) => {
    const cacheKey = columns.join(',');
    let statement = statements.get(cacheKey);
    if (statement === undefined) {
      // Column names come from the repository's fixed set of updatable columns, never from the request.
      statement = sql(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`);
      statements.set(cacheKey, statement);
    }
    return statement;
  };
}
