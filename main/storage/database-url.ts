// database-url: parses and checks the URL that selects PostgreSQL (team mode), and masks it for
// messages. Pure: no I/O. Never puts the password, or the raw text it could hide in, into an
// error message or the masked form (Node's URL errors echo their input, so they are not passed on).

export interface PostgresDatabaseUrl {
  engine: 'postgresql';
  /** The URL as given, for the driver only: it may hold the password. Never log it. */
  connectionString: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** The URL with its password replaced by ****: safe for logs and errors. */
  masked: string;
}

/** A database URL that cannot be used; the message never holds the password. */
export class InvalidDatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDatabaseUrlError';
  }
}

const EXAMPLE = 'postgresql://USER:PASSWORD@HOST:5432/DATABASE';
const DEFAULT_PORT = 5432;

export function parseDatabaseUrl(text: string): PostgresDatabaseUrl {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidDatabaseUrlError(`is empty; expected ${EXAMPLE}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new InvalidDatabaseUrlError(`is not a URL; expected ${EXAMPLE}`);
  if (scheme === 'sqlite' || scheme === 'file') {
    throw new InvalidDatabaseUrlError('names an SQLite file: SQLite is the default and needs no URL (its file is in the data directory); remove the URL to use it');
  }
  if (scheme !== 'postgresql' && scheme !== 'postgres') {
    throw new InvalidDatabaseUrlError(`uses ${scheme}://, which Switchboard does not support; only PostgreSQL is (${EXAMPLE})`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidDatabaseUrlError(`is not a valid URL (check the port, and percent-encode special characters in the password); expected ${EXAMPLE}`);
  }
  const masked = maskUrl(url);
  if (url.hostname === '') throw new InvalidDatabaseUrlError(`${masked} names no host; expected ${EXAMPLE}`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw new InvalidDatabaseUrlError(`${masked} names no database (the path after the host); expected ${EXAMPLE}`);
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  if (port < 1) throw new InvalidDatabaseUrlError(`${masked} has port 0; expected ${EXAMPLE}`);
  const user = decodeURIComponent(url.username);
  return { engine: 'postgresql', connectionString: trimmed, host: url.hostname, port, database, user, masked };
}

/** The URL for messages: password (and any password= parameter) replaced by ****. */
export function maskDatabaseUrl(text: string): string {
  try {
    return maskUrl(new URL(text.trim()));
  } catch {
    // Not parseable: show only the scheme, since the rest may hold a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text.trim())?.[1];
    return scheme === undefined ? '(not a URL)' : `${scheme}://…`;
  }
}

function maskUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '****';
  for (const name of [...copy.searchParams.keys()]) {
    if (/pass/i.test(name)) copy.searchParams.set(name, '****');
  }
  return copy.href;
}
