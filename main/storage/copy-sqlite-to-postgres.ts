// copySqliteToPostgres: copies every table of a Switchboard SQLite file into a PostgreSQL database
// of the same schema version, in ONE PostgreSQL transaction (all or nothing), reading the file in
// one snapshot. Generic by design: tables come from the file's sqlite_master and columns are
// matched by name against the target's information_schema, so a table a new migration adds needs
// no code here. Never writes to the SQLite file; never puts the URL's password in a message.
import type Database from 'better-sqlite3';
import pg from 'pg';
import type { PostgresDatabaseUrl } from './database-url.js';
import { postgresUnavailable } from './postgres-unavailable.js';
import { StorageError } from './storage-error.js';
import { PARTITION_LOCK_KEY, USAGE_PARTITION_SCHEMA, usagePartitionName } from './usage-partitions.js';

/** Rows a target must not hold before a copy: losing them would lose keys or spend. */
export const GUARDED_TABLES = ['virtual_keys', 'usage_log'] as const;

export interface CopiedTable {
  table: string;
  rows: number;
  /** Rows the target held before (a migration's seed row, settings of a replica started once), replaced by the copy. */
  replaced: number;
}

export interface SkippedTable {
  table: string;
  reason: string;
}

export interface CopyReport {
  tables: CopiedTable[];
  skipped: SkippedTable[];
  totalRows: number;
}

/** The target already holds keys or usage: nothing was copied. */
export class TargetNotEmptyError extends Error {
  constructor(readonly counts: Record<string, number>) {
    super(`holds ${Object.entries(counts).map(([table, count]) => `${count} row(s) in ${table}`).join(' and ')}`);
    this.name = 'TargetNotEmptyError';
  }
}

export interface CopyOptions {
  source: Database.Database;
  url: PostgresDatabaseUrl;
  /** Replace what the target holds (keys, usage, everything) instead of refusing a target in use. */
  replaceExisting?: boolean;
  /** Rows per INSERT (capped so one statement stays under PostgreSQL's 65535 parameters). */
  batchRows?: number;
}

const MAX_PARAMETERS = 65_000;

/** PostgreSQL's (and SQLite's) quoting of an identifier. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const SOURCE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
const TARGET_COLUMNS = `
  SELECT table_name, column_name FROM information_schema.columns
  WHERE table_schema = current_schema() AND is_generated = 'NEVER'
  ORDER BY table_name, ordinal_position`;
const FOREIGN_KEYS = `
  SELECT child.relname AS child, parent.relname AS parent
  FROM pg_constraint AS c
  JOIN pg_class AS child ON child.oid = c.conrelid
  JOIN pg_class AS parent ON parent.oid = c.confrelid
  JOIN pg_namespace AS n ON n.oid = c.connamespace
  WHERE c.contype = 'f' AND n.nspname = current_schema()`;
const SEQUENCES = `
  SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
  FROM information_schema.columns
  WHERE table_schema = current_schema() AND table_name = ANY($1::text[])`;

export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const { source, url } = options;
  const client = new pg.Client({ connectionString: url.connectionString, application_name: 'switchboard-db-copy' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw postgresUnavailable(url, error);
  }
  // One read transaction on the file: every table is read from the same snapshot, even if a
  // gateway is still writing to it.
  source.exec('BEGIN');
  try {
    await client.query('BEGIN');
    try {
      const report = await copyInTransaction(source, client, options.batchRows ?? 500, options.replaceExisting ?? false);
      await client.query('COMMIT');
      return report;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (error instanceof TargetNotEmptyError || error instanceof StorageError) throw error;
    throw new StorageError('storage_unavailable', `Copy into ${url.masked} failed, nothing was written: ${messageOf(error)}`, { file: url.masked, cause: error });
  } finally {
    source.exec('COMMIT');
    await client.end().catch(() => undefined);
  }
}

async function copyInTransaction(source: Database.Database, client: pg.Client, batchRows: number, replaceExisting: boolean): Promise<CopyReport> {
  const targetColumns = new Map<string, string[]>();
  for (const row of (await client.query<{ table_name: string; column_name: string }>(TARGET_COLUMNS)).rows) {
    targetColumns.set(row.table_name, [...(targetColumns.get(row.table_name) ?? []), row.column_name]);
  }
  const partitioned = (await client.query(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('usage_log')`)).rowCount === 1;
  // Partition maintenance of a replica (ensureUsagePartitions) waits for the copy, and the copy for
  // it: taken before the table locks, in the order maintenance takes them.
  if (partitioned) await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
  // Checked under a lock replicas' writes wait for, so nothing lands between check and copy.
  const guarded = GUARDED_TABLES.filter((table) => targetColumns.has(table));
  if (guarded.length > 0) await client.query(`LOCK TABLE ${guarded.map(quote).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
  const held: Record<string, number> = {};
  for (const table of guarded) {
    const count = await countRows(client, table);
    if (count > 0) held[table] = count;
  }
  if (Object.keys(held).length > 0 && !replaceExisting) throw new TargetNotEmptyError(held);

  const skipped: SkippedTable[] = [];
  const plans: { table: string; columns: string[] }[] = [];
  for (const { name } of source.prepare<[], { name: string }>(SOURCE_TABLES).all()) {
    const target = targetColumns.get(name);
    if (target === undefined) {
      skipped.push({ table: name, reason: 'not in the PostgreSQL schema' });
      continue;
    }
    const sourceColumns = source.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info(${sqliteString(name)})`).all().map((c) => c.name);
    const columns = sourceColumns.filter((column) => target.includes(column));
    const missing = sourceColumns.filter((column) => !target.includes(column));
    if (missing.length > 0) skipped.push({ table: `${name}.${missing.join(`, ${name}.`)}`, reason: 'column(s) not in the PostgreSQL schema' });
    plans.push({ table: name, columns });
  }
  const order = dependencyOrder(plans.map((plan) => plan.table), (await client.query<{ child: string; parent: string }>(FOREIGN_KEYS)).rows);
  const ordered = order.map((table) => plans.find((plan) => plan.table === table)!);

  // Triggers keep derived rows (running totals, positions) in step with inserts; the copy brings
  // those rows verbatim, so the triggers must not count them twice. Disabled and re-enabled
  // inside this transaction: no other session ever sees them off.
  for (const { table } of ordered) await client.query(`ALTER TABLE ${quote(table)} DISABLE TRIGGER USER`);
  const replaced = new Map<string, number>();
  for (const { table } of [...ordered].reverse()) replaced.set(table, (await client.query(`DELETE FROM ${quote(table)}`)).rowCount ?? 0);

  // Each copied day gets its partition (migration 10), so old usage does not pile up in the
  // DEFAULT partition; usage_log is empty here (checked above, or just deleted), so no DEFAULT
  // row is in the way.
  if (partitioned && targetColumns.has('usage_log')) await createUsagePartitions(source, client);

  const tables: CopiedTable[] = [];
  for (const { table, columns } of ordered) {
    const expected = (source.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
    if (columns.length > 0) await insertRows(source, client, table, columns, batchRows);
    const copied = await countRows(client, table);
    if (copied !== expected) throw new Error(`${table}: ${copied} row(s) in PostgreSQL after the copy, ${expected} in the SQLite file`);
    tables.push({ table, rows: copied, replaced: replaced.get(table) ?? 0 });
  }
  await resetSequences(client, ordered.map((plan) => plan.table));
  for (const { table } of ordered) await client.query(`ALTER TABLE ${quote(table)} ENABLE TRIGGER USER`);
  return { tables, skipped, totalRows: tables.reduce((sum, table) => sum + table.rows, 0) };
}

async function insertRows(source: Database.Database, client: pg.Client, table: string, columns: string[], batchRows: number): Promise<void> {
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / columns.length)));
  // safeIntegers: 64-bit values (micro-dollars, epoch ms) arrive exact, sent to PostgreSQL as text.
  const read = source.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(table)}`).raw(true).safeIntegers(true);
  const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE VALUES `;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((value) => `$${values.push(typeof value === 'bigint' ? value.toString() : value)}`).join(', ')})`);
    await client.query(head + tuples.join(', '), values);
    batch = [];
  };
  // The iterator is read to the end between awaits only through `batch`: rows are collected
  // synchronously, and nothing else uses the SQLite connection meanwhile.
  for (const row of read.iterate() as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
}

const DAY_MS = 86_400_000;

async function createUsagePartitions(source: Database.Database, client: pg.Client): Promise<void> {
  const days = source.prepare<[], { day: number }>(`SELECT DISTINCT (ts / ${DAY_MS}) * ${DAY_MS} AS day FROM usage_log ORDER BY day`).all();
  for (const { day } of days) {
    await client.query(`CREATE TABLE IF NOT EXISTS ${USAGE_PARTITION_SCHEMA}.${usagePartitionName(day)} PARTITION OF usage_log FOR VALUES FROM (${day}) TO (${day + DAY_MS})`);
  }
}

/** Sequences (serial or identity columns) continue after the copied values. */
async function resetSequences(client: pg.Client, tables: string[]): Promise<void> {
  const found = await client.query<{ table_name: string; column_name: string; sequence: string | null }>(SEQUENCES, [tables]);
  for (const { table_name: table, column_name: column, sequence } of found.rows) {
    if (sequence === null) continue;
    await client.query(`SELECT setval($1::regclass, coalesce((SELECT max(${quote(column)}) FROM ${quote(table)}), 0) + 1, false)`, [sequence]);
  }
}

async function countRows(client: pg.Client, table: string): Promise<number> {
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]!.n);
}

/** Parents before children along the target's foreign keys; a cycle is refused. */
export function dependencyOrder(tables: readonly string[], foreignKeys: readonly { child: string; parent: string }[]): string[] {
  const parents = new Map(tables.map((table) => [table, new Set<string>()]));
  for (const { child, parent } of foreignKeys) if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  const ordered: string[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !ordered.includes(table) && [...parents.get(table)!].every((parent) => ordered.includes(parent)));
    if (ready.length === 0) throw new Error(`Foreign keys form a cycle among ${tables.filter((table) => !ordered.includes(table)).join(', ')}`);
    ordered.push(...ready);
  }
  return ordered;
}

function sqliteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}
