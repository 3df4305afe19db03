// Aligned plain-text tables for the CLI: a header row and columns padded to their widest cell,
// numbers right-aligned. No colours and no box drawing, so the output pastes anywhere.

export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) => Math.max(column.title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => columns
    .map((column, i) => (column.align === 'right' ? (cells[i] ?? '').padStart(widths[i]!) : (cells[i] ?? '').padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();
  return [line(columns.map((column) => column.title)), ...rows.map(line)].join('\n') + '\n';
}
