// `switchboard db copy --to postgresql://… [--data-dir DIR | --from FILE]`: moves a desktop (or
// `npm start`) SQLite database into an empty PostgreSQL database for team mode. Checks the file's
// schema, migrates the target with the real runner, then copies in one transaction
// (copy-sqlite-to-postgres.ts). Never writes to the SQLite file; never prints the URL's password.
// Loaded by main/cli.ts only when `db` is the command: it is the CLI's only module besides serve's
// PostgreSQL path that loads pg, and the SQLite path must not.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs as parseCommandLine } from 'node:util';
import Database from 'better-sqlite3';
import { defaultDataDir } from '../cli-args.js';
import { DATABASE_FILE } from '../start-gateway.js';
import { copySqliteToPostgres, TargetNotEmptyError } from '../storage/copy-sqlite-to-postgres.js';
import { InvalidDatabaseUrlError, parseDatabaseUrl, type PostgresDatabaseUrl } from '../storage/database-url.js';
import type { Log } from '../storage/log.js';
import { migratePostgresDatabase } from '../storage/migrate-postgres-database.js';
import { LATEST_SCHEMA_VERSION } from '../storage/migrations/index.js';
import { StorageError } from '../storage/storage-error.js';
import type { CommandIO } from './command-io.js';

export const DB_USAGE = `Usage: switchboard db copy --to postgresql://USER:PASSWORD@HOST:5432/DATABASE [--data-dir DIR | --from FILE] [--replace]

Copies the SQLite database of a desktop or \`npm start\` gateway (DIR/${DATABASE_FILE}; DIR as for
serve: --data-dir, SWITCHBOARD_DATA_DIR or the per-OS default) into an empty PostgreSQL database
for team mode: keys, budgets, usage, dashboard models and settings. The target is brought to this
version's schema first; the copy is one transaction (all or nothing) with row counts verified.
A target that already holds keys or usage is refused; with --replace, everything it holds is
replaced by the file's data (running the same copy again then gives the same database). Stop the
gateway using the file first, and the team's gateways while replacing.
`;

export interface DbCopyArgs {
  to: string;
  file: string;
  replace: boolean;
}

/** `db …` arguments: the copy's options, or a usage error. */
export function parseDbArgs(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): DbCopyArgs | { help: true } | { error: string } {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') return { help: true };
  if (sub !== 'copy') return { error: `unknown db subcommand "${sub}" (known: copy)` };
  let values;
  try {
    values = parseCommandLine({
      args: [...rest],
      options: { to: { type: 'string' }, 'data-dir': { type: 'string' }, from: { type: 'string' }, replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // Node's message names the flag, never a value: safe even when the value is a URL.
    return { error: (error as Error).message };
  }
  if (values.help) return { help: true };
  if (values.to === undefined || values.to === '') return { error: 'db copy needs --to postgresql://USER:PASSWORD@HOST:5432/DATABASE' };
  if (values.from !== undefined && values['data-dir'] !== undefined) return { error: 'db copy takes --from FILE or --data-dir DIR, not both' };
  const dir = values['data-dir'] ?? (env.SWITCHBOARD_DATA_DIR || undefined) ?? defaultDataDir(env, platform);
  return { to: values.to, file: values.from ?? join(dir, DATABASE_FILE), replace: values.replace === true };
}

/** Exit codes: 0 copied, 2 refused (usage, URL, schema, a target in use), 1 failed (server unreachable, copy error). */
export async function dbCopyCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: Pick<CommandIO, 'out' | 'err'>): Promise<number> {
  const args = parseDbArgs(argv, env);
  if ('help' in args) {
    io.out(DB_USAGE);
    return 0;
  }
  if ('error' in args) {
    io.err(`switchboard: ${args.error}\nsee \`switchboard db --help\`\n`);
    return 2;
  }
  let url: PostgresDatabaseUrl;
  try {
    url = parseDatabaseUrl(args.to);
  } catch (error) {
    if (!(error instanceof InvalidDatabaseUrlError)) throw error;
    io.err(`switchboard: --to ${error.message}\n`);
    return 2;
  }
  // Whatever a driver says, the password never reaches the terminal.
  const say = (text: string) => masked(text, url);

  if (!existsSync(args.file)) {
    io.err(`switchboard: no Switchboard database at ${args.file} (give the data directory with --data-dir DIR, or the file with --from FILE)\n`);
    return 2;
  }
  let source: Database.Database;
  try {
    source = new Database(args.file, { readonly: true, fileMustExist: true });
  } catch (error) {
    io.err(`switchboard: cannot open ${args.file}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    let sourceVersion: number;
    try {
      sourceVersion = Number(source.pragma('user_version', { simple: true }));
    } catch (error) {
      io.err(`switchboard: ${args.file} is not a Switchboard database: ${(error as Error).message}\n`);
      return 2;
    }
    if (sourceVersion > LATEST_SCHEMA_VERSION) {
      io.err(`switchboard: ${args.file} has schema version ${sourceVersion}, newer than this Switchboard's ${LATEST_SCHEMA_VERSION}: run db copy with the version that wrote it (and the same version for the team). Nothing was copied.\n`);
      return 2;
    }
    if (sourceVersion < LATEST_SCHEMA_VERSION) {
      io.err(
        `switchboard: ${args.file} has schema version ${sourceVersion}, older than this Switchboard's ${LATEST_SCHEMA_VERSION}: start this version once on it ` +
          `(switchboard serve --data-dir ${quoteArg(join(args.file, '..'))}, then stop it) so it upgrades the file, then copy again. Nothing was copied.\n`,
      );
      return 2;
    }
    const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };
    let targetVersion: number;
    try {
      targetVersion = (await migratePostgresDatabase({ url, log: quiet })).schemaVersion;
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      io.err(`switchboard: ${say(error.message)}\n`);
      return error.code === 'schema_too_new' ? 2 : 1;
    }
    if (targetVersion !== sourceVersion) {
      io.err(`switchboard: ${url.masked} has schema version ${targetVersion} after migration, the file ${sourceVersion}: use the same Switchboard version for both. Nothing was copied.\n`);
      return 2;
    }
    io.out(`Copying ${args.file} (schema ${sourceVersion}) into ${url.masked}\n`);
    try {
      const report = await copySqliteToPostgres({ source, url, replaceExisting: args.replace });
      const width = Math.max(...report.tables.map((table) => table.table.length), 5);
      for (const table of report.tables) {
        io.out(`  ${table.table.padEnd(width)}  ${String(table.rows).padStart(9)} rows${table.replaced > 0 ? ` (replaced ${table.replaced} the target held)` : ''}\n`);
      }
      for (const skip of report.skipped) io.out(`  ${skip.table}: skipped, ${skip.reason}\n`);
      io.out(`Copied ${report.totalRows} rows in ${report.tables.length} tables in one transaction; row counts verified.\n`);
      return 0;
    } catch (error) {
      if (error instanceof TargetNotEmptyError) {
        io.err(`switchboard: ${url.masked} already ${error.message}: db copy only fills a database with no keys and no usage (--replace replaces all it holds with the file's data). Nothing was copied.\n`);
        return 2;
      }
      if (!(error instanceof StorageError)) throw error;
      io.err(`switchboard: ${say(error.message)}\n`);
      return 1;
    }
  } finally {
    source.close();
  }
}

/** `text` with the URL's password (raw or percent-decoded) replaced by ****. */
function masked(text: string, url: PostgresDatabaseUrl): string {
  let out = text.split(url.connectionString).join(url.masked);
  const raw = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(url.connectionString)?.[1];
  for (const secret of [raw, raw === undefined ? undefined : safeDecode(raw)]) {
    if (secret !== undefined && secret.length >= 3) out = out.split(secret).join('****');
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function quoteArg(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
