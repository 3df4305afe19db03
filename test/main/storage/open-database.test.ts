import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { immediateTransaction } from '../../../main/storage/immediate-transaction.js';
import { integrityCheckMarker, requestIntegrityCheck } from '../../../main/storage/integrity-check-request.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { SchemaTooNewError, StorageError, isStorageError, toStorageError } from '../../../main/storage/storage-error.js';
import { captureLog, fakeClock, openTempDatabase, tempDir, type TempDir } from './storage-test-kit.js';

const require = createRequire(import.meta.url);
const dirs: TempDir[] = [];
const dbs: Database.Database[] = [];
function dir(): TempDir {
  const d = tempDir();
  dirs.push(d);
  return d;
}
function track<T extends { db: Database.Database }>(opened: T): T {
  dbs.push(opened.db);
  return opened;
}
const modeOf = (path: string) => statSync(path).mode & 0o777;
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) d.remove();
});

/** A valid database with enough rows to span many pages. */
function writeSampleDatabase(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.exec('CREATE TABLE sample (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX sample_body ON sample (body);');
  const insert = db.prepare('INSERT INTO sample (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 5_000; i++) insert.run(`row ${i} ${'x'.repeat(80)}`);
  })();
  db.close();
  // As openDatabase leaves its files: a 0644 file would (rightly) draw the S42 warning.
  chmodSync(file, 0o600);
}

/** Overwrites the middle of one b-tree page of `name` (a table or index) with garbage. */
function damageTablePage(file: string, name: string): void {
  const db = new Database(file);
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as { rootpage: number };
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  // The root page of a multi-page tree is an interior page: damaging it breaks the whole tree.
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize - 200, 0xa5), 0, pageSize - 200, (rootpage - 1) * pageSize + 100);
  closeSync(fd);
}

describe('openDatabase', () => {
  it('sets WAL, busy_timeout, foreign_keys and synchronous explicitly', () => {
    const opened = track(openTempDatabase());
    expect(opened.journalMode).toBe('wal');
    expect(opened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(opened.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(opened.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(opened.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('uses synchronous=FULL and a custom busy timeout when asked', () => {
    const opened = track(openTempDatabase({ synchronous: 'FULL', busyTimeoutMs: 250 }));
    expect(opened.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(opened.db.pragma('busy_timeout', { simple: true })).toBe(250);
  });

  it('creates the folder and applies every migration to a new file, recording the version', () => {
    const d = dir();
    const log = captureLog();
    const opened = track(openDatabase({ file: d.file('nested/deeper/switchboard.db'), log }));
    expect(opened.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(opened.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    const tables = opened.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(['app_budget_reservations', 'apps', 'budget_alert_marks', 'budget_reservations', 'change_versions', 'models', 'rate_limit_buckets', 'rate_limit_keys', 'rate_limit_leases', 'settings', 'stored_responses', 'stored_responses_total', 'team_memberships', 'teams', 'usage_bodies', 'usage_daily', 'usage_daily_groups', 'usage_errors', 'usage_hourly', 'usage_log', 'users', 'virtual_keys']);
    // One line per migration for whoever debugs an upgrade, one for the person starting it.
    expect(log.lines.filter((l) => l.msg.startsWith('Applied database migration')).map((l) => l.level)).toEqual(Array(LATEST_SCHEMA_VERSION).fill('debug'));
    expect(log.lines.filter((l) => l.level === 'info')).toEqual([
      { level: 'info', obj: expect.objectContaining({ from: 0, version: LATEST_SCHEMA_VERSION }), msg: `Database upgraded to schema ${LATEST_SCHEMA_VERSION}.` },
    ]);
  });

  it('S42: creates a folder only its owner can open, and database, -wal and -shm files only its owner can read', () => {
    const d = dir();
    const file = d.file('data/switchboard.db');
    const log = captureLog();
    const opened = track(openDatabase({ file, log }));
    opened.db.prepare("INSERT INTO settings (key, value) VALUES ('probe', '1')").run();
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(existsSync(`${file}-shm`)).toBe(true);
    expect(modeOf(d.file('data'))).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('S42: takes group and other access away from a folder and files an older version left open, with warnings', () => {
    const d = dir();
    const folder = d.file('data');
    const file = d.file('data/switchboard.db');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    // An older Switchboard still running (or killed) left the -wal and -shm beside the file.
    const older = new Database(file);
    dbs.push(older);
    older.pragma('journal_mode = WAL');
    older.exec("CREATE TABLE legacy (x TEXT); INSERT INTO legacy VALUES ('kept');");
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);

    const log = captureLog();
    const opened = track(openDatabase({ file, log }));
    expect(modeOf(folder)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
    expect(opened.db.prepare('SELECT x FROM legacy').pluck().get()).toBe('kept');
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.obj)).toEqual([
      { path: folder, mode: '755' },
      { files: [file, `${file}-wal`, `${file}-shm`], modes: ['644', '644', '644'] },
    ]);
    expect(warnings[1]!.msg).toContain('0600');
  });

  it('applies nothing when reopening an up-to-date file and keeps its data', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    const first = openDatabase({ file, log: captureLog() });
    first.db.prepare("INSERT INTO settings (key, value) VALUES ('kept', '1')").run();
    first.db.close();
    const log = captureLog();
    const second = track(openDatabase({ file, log }));
    expect(log.lines).toEqual([]);
    expect(second.db.prepare("SELECT value FROM settings WHERE key = 'kept'").get()).toEqual({ value: '1' });
  });

  it('applies only the pending migrations, in order', () => {
    const d = dir();
    const file = d.file('custom.db');
    const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY);' };
    const v2: Migration = { version: 2, name: 'two', sql: 'ALTER TABLE one ADD COLUMN note TEXT; CREATE TABLE two (id INTEGER);' };
    openDatabase({ file, log: captureLog(), migrations: [v1] }).db.close();
    const log = captureLog();
    const opened = track(openDatabase({ file, log, migrations: [v1, v2] }));
    expect(opened.schemaVersion).toBe(2);
    expect(log.lines.map((l) => [l.level, l.msg])).toEqual([['debug', 'Applied database migration 2 (two).'], ['info', 'Database upgraded to schema 2.']]);
    expect(opened.db.prepare('SELECT note FROM one').all()).toEqual([]);
  });

  it('upgrades a database written by the first two migrations to the current schema', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.slice(0, 2) }).db.close();
    const opened = track(openDatabase({ file, log: captureLog() }));
    expect(opened.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(opened.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'usage_hourly'").get()).toEqual({ n: 1 });
    const columns = (opened.db.prepare('PRAGMA table_info(budget_reservations)').all() as { name: string }[]).map((c) => c.name);
    expect(columns).toContain('settled');
  });

  it('rolls a failing migration back entirely and leaves the version where it was', () => {
    const d = dir();
    const file = d.file('custom.db');
    const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY);' };
    const broken: Migration = { version: 2, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); INSERT INTO no_such_table VALUES (1);' };
    openDatabase({ file, log: captureLog(), migrations: [v1] }).db.close();
    expect(() => openDatabase({ file, log: captureLog(), migrations: [v1, broken] })).toThrow(/no_such_table/);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('refuses a file from a newer schema with a message naming both versions, and leaves it untouched', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    openDatabase({ file, log: captureLog() }).db.close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(file);

    let caught: unknown;
    try {
      openDatabase({ file, log: captureLog() });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaTooNewError);
    const error = caught as SchemaTooNewError;
    expect(error.code).toBe('schema_too_new');
    expect(error.fileVersion).toBe(99);
    expect(error.supportedVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(error.message).toContain('schema version 99');
    expect(error.message).toContain(`up to version ${LATEST_SCHEMA_VERSION}`);
    expect(error.message).toContain('upgrade Switchboard');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(d.path).filter((n) => n.includes('corrupt'))).toEqual([]);
  });

  it.each([
    ['a text file', (file: string) => writeFileSync(file, 'not a database, just text\n'.repeat(400))],
    ['random bytes', (file: string) => writeFileSync(file, randomBytes(64 * 1024))],
    ['a database truncated to half its size', (file: string) => {
      writeSampleDatabase(file);
      truncateSync(file, Math.floor(statSync(file).size / 2));
    }],
    ['a database cut inside its header', (file: string) => {
      writeSampleDatabase(file);
      truncateSync(file, 50);
    }],
  ])('moves %s aside, logs where it went and starts a fresh database', (_label, damage) => {
    const d = dir();
    const file = d.file('switchboard.db');
    damage(file);
    const damaged = readFileSync(file);
    const clock = fakeClock(Date.UTC(2026, 5, 1, 8, 30, 15, 123));
    const log = captureLog();

    const opened = track(openDatabase({ file, log, clock }));

    const expected = `${file}.corrupt-2026-06-01T08-30-15-123Z`;
    expect(opened.movedAsideTo).toBe(expected);
    expect(readFileSync(expected).equals(damaged)).toBe(true);
    expect(opened.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain(`Database ${file} is damaged`);
    expect(errors[0]?.msg).toContain(`moved it aside to ${expected}`);
  });

  it('moves the -wal file along with a damaged database and does not move anything on the next start', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    writeFileSync(file, randomBytes(8192));
    writeFileSync(`${file}-wal`, randomBytes(4096));
    const clock = fakeClock();
    const first = openDatabase({ file, log: captureLog(), clock });
    expect(first.movedAsideTo).not.toBeNull();
    expect(existsSync(`${first.movedAsideTo}-wal`)).toBe(true);
    first.db.close();

    const log = captureLog();
    const second = track(openDatabase({ file, log, clock }));
    expect(second.movedAsideTo).toBeNull();
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(readdirSync(d.path).filter((n) => n.includes('.corrupt-') && !n.endsWith('-wal') && !n.endsWith('-shm'))).toHaveLength(1);
  });

  it('never overwrites an earlier moved-aside file with the same timestamp', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    const clock = fakeClock();
    writeFileSync(file, 'garbage one'.repeat(100));
    openDatabase({ file, log: captureLog(), clock }).db.close();
    writeFileSync(file, 'garbage two'.repeat(100));
    const second = track(openDatabase({ file, log: captureLog(), clock }));
    expect(second.movedAsideTo).toMatch(/\.corrupt-.*-1$/);
    const moved = readdirSync(d.path).filter((n) => n.includes('.corrupt-')).sort();
    expect(moved).toHaveLength(2);
  });

  it('leaves a healthy file alone: no move, no error line', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    writeSampleDatabase(file);
    const log = captureLog();
    const opened = track(openDatabase({ file, log, quickCheck: true }));
    expect(opened.movedAsideTo).toBeNull();
    expect(log.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(opened.db.prepare('SELECT count(*) AS n FROM sample').get()).toEqual({ n: 5_000 });
  });

  it('finds a damaged page inside a file with a sound header only when a full check was requested', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    writeSampleDatabase(file);
    damageTablePage(file, 'sample_body');

    const first = openDatabase({ file, log: captureLog() });
    expect(first.movedAsideTo).toBeNull(); // the cheap checks cannot see inside pages
    first.db.close();

    requestIntegrityCheck(file);
    const log = captureLog();
    const second = track(openDatabase({ file, log }));
    expect(second.movedAsideTo).toMatch(/\.corrupt-/);
    expect(log.lines.filter((l) => l.level === 'error')[0]?.msg).toContain('quick_check');
  });

  it('forgets a requested check once the file has passed it', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    openDatabase({ file, log: captureLog() }).db.close();
    requestIntegrityCheck(file);
    expect(existsSync(integrityCheckMarker(file))).toBe(true);
    track(openDatabase({ file, log: captureLog() }));
    expect(existsSync(integrityCheckMarker(file))).toBe(false);
  });

  it('requests a full check at the next start when a write meets a damaged page', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    writeSampleDatabase(file);
    damageTablePage(file, 'sample');
    const raw = new Database(file);
    dbs.push(raw);
    const write = immediateTransaction(raw, () => raw.prepare('UPDATE sample SET body = body || ?').run('!'));
    let caught: unknown;
    try {
      write();
    } catch (error) {
      caught = error;
    }
    expect(isStorageError(caught, 'storage_corrupt')).toBe(true);
    expect(existsSync(integrityCheckMarker(file))).toBe(true);
  });

  it('loads SQLite\'s native module from the binary it is given (the desktop app passes its Electron build)', () => {
    const d = dir();
    // A copy at a path nothing else loads from: finding it in require's cache proves it was the one loaded.
    const binding = d.file('better_sqlite3.node');
    copyFileSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node'), binding);
    const opened = track(openDatabase({ file: d.file('switchboard.db'), log: captureLog(), nativeBinding: binding }));
    expect(opened.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(require.cache[binding]).toBeDefined();
  });

  it.each([
    ['a missing file', (d: TempDir) => join(d.path, 'native', 'better_sqlite3.node'), 'the file does not exist'],
    ['a file that is no native module', (d: TempDir) => {
      writeFileSync(d.file('not-a-module.node'), 'not machine code');
      return d.file('not-a-module.node');
    }, 'not-a-module.node'],
  ])('refuses %s as the native module with a StorageError naming it, and creates no database', (_what, make, reason) => {
    const d = dir();
    const binding = make(d);
    let thrown: unknown;
    try {
      openDatabase({ file: d.file('switchboard.db'), log: captureLog(), nativeBinding: binding });
    } catch (error) {
      thrown = error;
    }
    expect(isStorageError(thrown, 'storage_unavailable')).toBe(true);
    expect((thrown as StorageError).message).toContain(`SQLite's native module ${binding} could not be loaded`);
    expect((thrown as StorageError).message).toContain(reason);
    expect(existsSync(d.file('switchboard.db'))).toBe(false);
  });

  it('enforces foreign keys', () => {
    const opened = track(openTempDatabase());
    expect(() =>
      opened.db.prepare("INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at) VALUES ('r', 'key_missing', 1, 0)").run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('turns SQLITE_FULL into a storage_full StorageError that says the disk is full', () => {
    const opened = track(openTempDatabase());
    const pages = Number(opened.db.pragma('page_count', { simple: true }));
    opened.db.pragma(`max_page_count = ${pages + 2}`);
    const fill = immediateTransaction(opened.db, () => {
      const insert = opened.db.prepare("INSERT INTO settings (key, value) VALUES (?, json_quote(?))");
      for (let i = 0; i < 1_000; i++) insert.run(`k${i}`, 'v'.repeat(2_000));
    });
    let caught: unknown;
    try {
      fill();
    } catch (error) {
      caught = error;
    }
    expect(isStorageError(caught, 'storage_full')).toBe(true);
    expect((caught as StorageError).message).toContain('is full');
    expect((caught as StorageError).sqliteCode).toBe('SQLITE_FULL');
    // Rolled back, and the connection still works.
    expect(opened.db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
  });

  it.each([
    ['SQLITE_BUSY', 'storage_busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'storage_busy'],
    ['SQLITE_FULL', 'storage_full'],
    ['SQLITE_READONLY', 'storage_read_only'],
    ['SQLITE_READONLY_DBMOVED', 'storage_read_only'],
    ['SQLITE_CORRUPT', 'storage_corrupt'],
    ['SQLITE_NOTADB', 'storage_corrupt'],
    ['SQLITE_CANTOPEN', 'storage_unavailable'],
    ['SQLITE_IOERR_WRITE', 'storage_unavailable'],
  ])('maps %s to %s', (sqliteCode, code) => {
    const raw = Object.assign(new Error('x'), { code: sqliteCode });
    const mapped = toStorageError(raw, '/data/switchboard.db');
    expect(isStorageError(mapped, code as StorageError['code'])).toBe(true);
    expect((mapped as StorageError).message).toContain('/data/switchboard.db');
  });

  it('leaves constraint errors and plain errors as they are', () => {
    const constraint = Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(toStorageError(constraint, null)).toBe(constraint);
    const plain = new TypeError('bug');
    expect(toStorageError(plain, null)).toBe(plain);
  });
});
