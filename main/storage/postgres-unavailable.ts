// postgresUnavailable: the StorageError for a PostgreSQL server that cannot be reached or used,
// naming the database by its masked URL. Never includes the password.
import type { PostgresDatabaseUrl } from './database-url.js';
import { StorageError } from './storage-error.js';

export function postgresUnavailable(url: PostgresDatabaseUrl, error: unknown): StorageError {
  // AggregateError (every address refused) has no message of its own, only a code.
  const detail = error instanceof Error ? error.message || ((error as NodeJS.ErrnoException).code ?? error.name) : String(error);
  return new StorageError('storage_unavailable', `Cannot use the PostgreSQL database ${url.masked}: ${detail}`, { file: url.masked, cause: error });
}
