// chooseStorageEngine: which database a headless gateway uses. A PostgreSQL URL from
// --database-url, else DATABASE_URL, else general_settings.database_url selects team mode; none
// keeps the embedded SQLite file. Pure. Never returns or reports the URL's password unmasked.
import { InvalidDatabaseUrlError, parseDatabaseUrl, type PostgresDatabaseUrl } from './database-url.js';

export type StorageEngineChoice =
  | { engine: 'sqlite' }
  | {
      engine: 'postgresql';
      url: PostgresDatabaseUrl;
      /** Where the URL came from, for messages: "--database-url", "DATABASE_URL", "general_settings.database_url". */
      source: string;
    };

export interface StorageEngineSources {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** general_settings.database_url as written: a URL, or LiteLLM's os.environ/NAME. */
  config?: string | undefined;
}

/** A database URL that cannot be used, with where it came from; never holds the password. */
export class DatabaseUrlSourceError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source} ${reason}`);
    this.name = 'DatabaseUrlSourceError';
  }
}

export function chooseStorageEngine(sources: StorageEngineSources): StorageEngineChoice {
  const candidates: [string, string | undefined][] = [
    ['--database-url', sources.flag],
    ['DATABASE_URL', sources.env.DATABASE_URL],
    ['general_settings.database_url', sources.config],
  ];
  for (const [source, raw] of candidates) {
    // An empty DATABASE_URL is how a shell unsets it for one command: it selects nothing.
    if (raw === undefined || (source === 'DATABASE_URL' && raw === '')) continue;
    const reference = /^os\.environ\/(.+)$/.exec(raw.trim());
    let text = raw;
    let from = source;
    if (reference !== null) {
      const name = reference[1]!;
      const value = sources.env[name];
      if (value === undefined || value === '') throw new DatabaseUrlSourceError(source, `is os.environ/${name}, but ${name} is not set`);
      text = value;
      from = `${source} (os.environ/${name})`;
    }
    try {
      return { engine: 'postgresql', url: parseDatabaseUrl(text), source: from };
    } catch (error) {
      if (error instanceof InvalidDatabaseUrlError) throw new DatabaseUrlSourceError(from, error.message);
      throw error;
    }
  }
  return { engine: 'sqlite' };
}

/** The most connections one replica may ask for: PostgreSQL's default max_connections is 100 for all of them. */
export const MAX_POOL_LIMIT = 1000;

/**
 * general_settings.database_connection_pool_limit (LiteLLM's name): connections per replica, a
 * whole number from 1 to MAX_POOL_LIMIT; undefined when not set (DEFAULT_POOL_SIZE applies).
 * Throws a plain Error naming the setting for anything else: the caller reports it as a config error.
 */
export function readPoolLimit(generalSettings: Record<string, unknown>): number | undefined {
  const value = generalSettings.database_connection_pool_limit;
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > MAX_POOL_LIMIT) {
    throw new Error(`general_settings.database_connection_pool_limit must be a whole number from 1 to ${MAX_POOL_LIMIT} (connections per replica)`);
  }
  return n;
}
