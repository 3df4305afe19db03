// openDatabase: opens (or creates) the Switchboard SQLite file, sets every pragma explicitly,
// checks it, and applies the numbered migrations. A damaged file is moved aside once and a fresh
// one created; a file from a newer Switchboard is refused untouched. Never loops, never deletes data,
// never leaves the folder or the database files open to other users (S42).
import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from './clock.js';
import { ensurePrivateDirectory, ensurePrivateFile } from './ensure-private-directory.js';
import { immediateTransaction } from './immediate-transaction.js';
import { clearIntegrityCheckRequest, integrityCheckRequested } from './integrity-check-request.js';
import type { Log } from './log.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { SchemaTooNewError, StorageError, isCorruptionCode, sqliteCodeOf, toStorageError } from './storage-error.js';
import { SQLITE_PAGE_CACHE_KIB } from './sqlite-page-cache.js';

/**
 * NORMAL is the default: in WAL mode it never corrupts the file and survives a process crash
 * (SIGKILL) with every committed transaction intact; only an OS crash or power cut can lose the
 * last commits. FULL would add an fsync to every commit, and the budget ledger commits once per
 * request on the hot path (reserve at admission), which would make the gateway fsync-bound.
 * Losing the last second of spend on a power cut is an acceptable under-charge for a desktop
 * gateway; a shared server deployment can choose FULL. OFF is not offered (indi-allsky#1534).
 */
export type SynchronousMode = 'NORMAL' | 'FULL';

export interface OpenDatabaseOptions {
  /** Path of the database file; its folder is created if missing, and made owner-only (0700). */
  file: string;
  log: Log;
  /** Timestamps the name a damaged file is moved aside to. */
  clock?: Clock;
  /** How long a write waits for another connection's lock before StorageError('storage_busy'). */
  busyTimeoutMs?: number;
  synchronous?: SynchronousMode;
  /** Defaults to the app's migrations; tests pass their own. */
  migrations?: readonly Migration[];
  /**
   * Also run PRAGMA quick_check at open. It reads every page (seconds for a large usage log), so
   * by default it runs only when requested: after a write met SQLITE_CORRUPT (see
   * integrity-check-request.ts). The cheap checks (header, size, first reads) always run.
   */
  quickCheck?: boolean;
  /**
   * better-sqlite3's compiled module, when not the one in node_modules: the desktop app passes
   * its build for Electron's ABI, since node_modules holds Node's (see README, "Running and
   * packaging it yourself").
   */
  nativeBinding?: string;
}

export interface OpenedDatabase {
  db: Database.Database;
  file: string;
  /** PRAGMA user_version after migrations. */
  schemaVersion: number;
  /** 'wal' on any normal local filesystem; anything else was logged as a warning. */
  journalMode: string;
  /** Where a damaged file was moved to at this open, or null. Show it to the user. */
  movedAsideTo: string | null;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** Thrown inside openOnce when quick_check reports damage, so it is handled like SQLITE_CORRUPT. */
class QuickCheckFailed extends Error {
  readonly code = 'SQLITE_CORRUPT';
}

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const { file, log } = options;
  try {
    ensurePrivateDirectory(dirname(file), log);
  } catch (error) {
    throw toStorageError(error, file);
  }
  try {
    return openOnce(options, null);
  } catch (error) {
    if (!(error instanceof MovedAside)) throw toStorageError(error, file);
    log.error(
      { file, movedAsideTo: error.target, reason: error.reason },
      `Database ${file} is damaged (${error.reason}); moved it aside to ${error.target} and started a fresh database. ` +
        'Keys and usage stored in the old file are not loaded; the old file is kept for recovery.',
    );
    // One attempt only: if the fresh file fails too, the error goes to the caller (no crash loop).
    try {
      return openOnce(options, error.target);
    } catch (second) {
      if (second instanceof MovedAside) {
        throw new StorageError('storage_corrupt', `Database ${file} was damaged again right after being recreated (${second.reason}); giving up.`, { file, cause: second });
      }
      throw toStorageError(second, file);
    }
  }
}

/** openOnce found the file damaged and has moved it aside. */
class MovedAside extends Error {
  constructor(
    readonly reason: string,
    readonly target: string,
  ) {
    super(reason);
  }
}

function openOnce(options: OpenDatabaseOptions, movedAsideTo: string | null): OpenedDatabase {
  const { file, log } = options;
  const clock = options.clock ?? systemClock;
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = options.migrations === undefined ? LATEST_SCHEMA_VERSION : (migrations.at(-1)?.version ?? 0);
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const synchronous = options.synchronous ?? 'NORMAL';

  // Before anything reads or moves them: files from a version that created them 0644.
  restrictDatabaseFiles(file, log);
  // Before SQLite touches it: a truncated file can look healthy until a query reaches the
  // missing pages, long after start.
  const damage = headerDamage(file);
  if (damage !== null) {
    throw new MovedAside(damage, moveAside(file, clock.now()));
  }
  const quickCheck = options.quickCheck ?? integrityCheckRequested(file);

  // SQLite creates a new file 0644 and gives its -wal, -shm and -journal the main file's mode,
  // so a main file that starts life 0600 keeps all of them private.
  const created = !existsSync(file);
  closeSync(openSync(file, 'a', 0o600));
  let db: Database.Database;
  try {
    db = connect(file, busyTimeoutMs, options.nativeBinding);
  } catch (error) {
    // A module that cannot load leaves no empty database behind for the next start to trust.
    if (created) rmSync(file, { force: true });
    throw error;
  }
  try {
    // Explicit, not better-sqlite3's default: sources disagree on what that default is.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);

    // The first read of the header: a garbage file fails here with SQLITE_NOTADB.
    const fileVersion = Number(db.pragma('user_version', { simple: true }));
    if (quickCheck) {
      const result = String(db.pragma('quick_check(1)', { simple: true }));
      if (result !== 'ok') throw new QuickCheckFailed(`quick_check: ${result}`);
      clearIntegrityCheckRequest(file);
    }
    if (fileVersion > latest) throw new SchemaTooNewError(file, fileVersion, latest);

    const journalMode = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
    if (journalMode !== 'wal') {
      // Correctness holds in rollback-journal mode; readers just block the writer. Seen on
      // network filesystems without shared memory. Say so rather than refuse to start.
      log.warn({ file, journalMode }, `Database ${file} could not use WAL journaling (got '${journalMode}'); continuing with slower locking.`);
    }
    // Normally a no-op (they inherit 0600); catches a mode SQLite could not copy.
    restrictDatabaseFiles(file, log);
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${SQLITE_PAGE_CACHE_KIB}`);
    assertPragma(db, 'synchronous', synchronous === 'FULL' ? 2 : 1, file);
    assertPragma(db, 'foreign_keys', 1, file);
    assertPragma(db, 'cache_size', -SQLITE_PAGE_CACHE_KIB, file);

    // A write probe: SQLite silently opens a file it cannot write read-only, and with no
    // migration pending nothing else would write until the first request.
    const probe = immediateTransaction(db, () => {
      db.pragma(`user_version = ${fileVersion}`);
      throw new ProbeRollback();
    });
    try {
      probe();
    } catch (error) {
      if (!(error instanceof ProbeRollback)) throw error;
    }

    let schemaVersion = fileVersion;
    for (const migration of migrations) {
      if (migration.version <= schemaVersion) continue;
      if (migration.version !== schemaVersion + 1) {
        throw new Error(`Migration list has a gap: expected version ${schemaVersion + 1}, found ${migration.version} (${migration.name}).`);
      }
      immediateTransaction(db, () => {
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      })();
      // One line per migration is for whoever debugs an upgrade; a person starting the gateway
      // needs only the one line below, and none at all on an ordinary start.
      log.debug({ file, version: migration.version, migration: migration.name }, `Applied database migration ${migration.version} (${migration.name}).`);
      schemaVersion = migration.version;
    }
    if (schemaVersion !== fileVersion) log.info({ file, from: fileVersion, version: schemaVersion }, `Database upgraded to schema ${schemaVersion}.`);
    return { db, file, schemaVersion, journalMode, movedAsideTo };
  } catch (error) {
    if (!isCorruptionCode(sqliteCodeOf(error))) {
      db.close();
      throw error;
    }
    // Move the files while the connection is still open: closing the last connection deletes
    // the -wal, which may hold the newest committed transactions a salvage tool could recover.
    let target: string;
    try {
      target = moveAside(file, clock.now());
    } catch {
      // Windows cannot rename an open file: close first, keeping at least the main file.
      db.close();
      target = moveAside(file, clock.now());
    }
    if (db.open) db.close();
    throw new MovedAside(error instanceof Error ? error.message : String(error), target);
  }
}

class ProbeRollback extends Error {}

/**
 * better-sqlite3 loads its native module at the first open: a missing one, or one built for
 * another ABI (Node's under Electron), fails here and is named, not left as a bare dlopen error.
 */
function connect(file: string, timeout: number, nativeBinding: string | undefined): Database.Database {
  try {
    return new Database(file, nativeBinding === undefined ? { timeout } : { timeout, nativeBinding });
  } catch (error) {
    const code = sqliteCodeOf(error);
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_DLOPEN_FAILED') throw error;
    const module = nativeBinding ?? 'in node_modules/better-sqlite3';
    const reason = code === 'MODULE_NOT_FOUND' ? 'the file does not exist' : (error as Error).message.replace(/\s+/g, ' ');
    throw new StorageError('storage_unavailable', `SQLite's native module ${module} could not be loaded: ${reason}`, { file, cause: error });
  }
}

const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Makes the database file and its companions owner-only, with one warning naming what changed. */
function restrictDatabaseFiles(file: string, log: Log): void {
  const files: string[] = [];
  const modes: string[] = [];
  for (const path of [file, ...COMPANION_SUFFIXES.map((suffix) => file + suffix)]) {
    const previous = ensurePrivateFile(path);
    if (previous === null) continue;
    files.push(path);
    modes.push(previous.toString(8));
  }
  if (files.length === 0) return;
  log.warn({ files, modes }, `Database files could be read by other users (${files.map((f, i) => `${f}: ${modes[i]}`).join(', ')}); changed them to 0600 (owner only).`);
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Checks the 100-byte header against the file (sqlite.org/fileformat2.html): the magic string,
 * and that the file is as long as the page count the header vouches for (valid only when the
 * change counter equals the version-valid-for number). Returns what is wrong, or null.
 */
function headerDamage(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null; // Missing (a new database) or unreadable (SQLite reports that itself).
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null; // SQLite treats an empty file as an empty database.
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100) return `file is ${size} bytes, shorter than the 100-byte SQLite header`;
    if (!header.subarray(0, 16).equals(SQLITE_MAGIC)) return 'file is not a database (no SQLite header)';
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    if (header.readUInt32BE(24) === header.readUInt32BE(92) && pages > 0 && size < pages * pageSize) {
      return `file is truncated: ${size} bytes, but its header counts ${pages} pages of ${pageSize} bytes`;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function assertPragma(db: Database.Database, name: string, expected: number, file: string): void {
  const actual = Number(db.pragma(name, { simple: true }));
  if (actual !== expected) {
    throw new StorageError('storage_unavailable', `Database ${file}: PRAGMA ${name} is ${actual} after setting it to ${expected}.`, { file });
  }
}

/** Renames the file (and its -wal/-shm, kept as a pair so sqlite3 can still read them). */
function moveAside(file: string, nowMs: number): string {
  // No ':' in the name: Windows does not allow it.
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  try {
    renameSync(file, target);
    for (const suffix of COMPANION_SUFFIXES) {
      if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
    }
  } catch (error) {
    throw new StorageError(
      'storage_corrupt',
      `Database ${file} is damaged and could not be moved aside (${error instanceof Error ? error.message : String(error)}). Move or delete it by hand and start again.`,
      { file, cause: error },
    );
  }
  return target;
}
