// StorageError: the typed errors the storage layer throws, one stable code each, so the gateway
// can answer 503 (busy) or start in a degraded state (read-only, full, too new) instead of crashing.
// Messages name the file and the fix; they never carry row data, keys or SQL text.

export type StorageErrorCode =
  /** busy_timeout ran out while another connection held the write lock (checklist S30). */
  | 'storage_busy'
  /** SQLITE_FULL: the disk (or max_page_count) is full. */
  | 'storage_full'
  /** The file or its folder cannot be written. */
  | 'storage_read_only'
  /** The file was written by a newer Switchboard; we refuse to downgrade it. */
  | 'schema_too_new'
  /** The file is damaged in a way we could not recover from automatically. */
  | 'storage_corrupt'
  /** Any other I/O failure (cannot open, I/O error). */
  | 'storage_unavailable';

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** The database file, when known. */
  readonly file: string | null;
  /** The SQLite result code that caused it, e.g. SQLITE_BUSY. */
  readonly sqliteCode: string | null;

  constructor(code: StorageErrorCode, message: string, options: { file?: string | null; sqliteCode?: string | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.file = options.file ?? null;
    this.sqliteCode = options.sqliteCode ?? null;
  }
}

export class SchemaTooNewError extends StorageError {
  readonly fileVersion: number;
  readonly supportedVersion: number;

  /** `file` is the SQLite path, or a PostgreSQL URL with its password masked (kind 'database'). */
  constructor(file: string, fileVersion: number, supportedVersion: number, kind: 'file' | 'database' = 'file') {
    super(
      'schema_too_new',
      `The database ${file} has schema version ${fileVersion}, but this Switchboard supports up to version ${supportedVersion}. ` +
        `It was written by a newer Switchboard: upgrade Switchboard to use it. The ${kind} was left untouched.`,
      { file },
    );
    this.name = 'SchemaTooNewError';
    this.fileVersion = fileVersion;
    this.supportedVersion = supportedVersion;
  }
}

export function isStorageError(value: unknown, code?: StorageErrorCode): value is StorageError {
  return value instanceof StorageError && (code === undefined || value.code === code);
}

/** The SQLite extended result code of a better-sqlite3 SqliteError (or a Node fs error code). */
export function sqliteCodeOf(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return null;
}

/** True for the result codes that mean "this file is not a healthy SQLite database". */
export function isCorruptionCode(code: string | null): boolean {
  return code !== null && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * Translates a raw SQLite/fs error into a StorageError where it is an environmental failure;
 * anything else (a constraint, a bug) is returned unchanged so it is not disguised.
 */
export function toStorageError(error: unknown, file: string | null): unknown {
  if (error instanceof StorageError) return error;
  const code = sqliteCodeOf(error);
  if (code === null) return error;
  const where = file ?? 'the Switchboard database';
  const options = { file, sqliteCode: code, cause: error };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StorageError('storage_busy', `The database ${where} is busy: another process held its write lock longer than the busy timeout. Try again.`, options);
  }
  if (code === 'SQLITE_FULL') {
    return new StorageError('storage_full', `The disk holding ${where} is full, so Switchboard cannot write to it. Free some space and try again.`, options);
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StorageError(
      'storage_read_only',
      `Switchboard cannot write to its database ${where}: the file or its folder is read-only. Fix the permissions (or choose another --data-dir) and start again.`,
      options,
    );
  }
  if (isCorruptionCode(code)) {
    return new StorageError('storage_corrupt', `The database ${where} is damaged (${code}). Restart Switchboard: it moves a damaged file aside and starts a fresh one.`, options);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
    return new StorageError('storage_unavailable', `Switchboard cannot read or write its database ${where} (${code}).`, options);
  }
  return error;
}
