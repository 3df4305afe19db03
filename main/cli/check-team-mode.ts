// Which database `serve` runs on: a PostgreSQL URL from --database-url, DATABASE_URL or
// general_settings.database_url (a LiteLLM config.yaml, read unchanged) selects team mode, with
// general_settings.database_connection_pool_limit connections; none keeps the embedded SQLite
// file. A URL that cannot be used (another engine, malformed, an unset os.environ/NAME) or a bad
// pool limit is refused with the reason and exit 2. Never prints the URL's password.
import type { ServeOptions } from '../cli-args.js';
import type { GatewayConfig } from '../config/load-config.js';
import type { PostgresDatabaseUrl } from '../storage/database-url.js';
import { chooseStorageEngine, DatabaseUrlSourceError, readPoolLimit } from '../storage/choose-storage-engine.js';

export type TeamModeCheck =
  | { kind: 'refuse'; line: string }
  | {
      kind: 'postgresql';
      url: PostgresDatabaseUrl;
      /** Where the URL came from, for messages. */
      source: string;
      /** Connections per replica; undefined = the pool's default. */
      poolLimit: number | undefined;
      /** One line for the log and the ready lines: the engine, the masked URL and where it came from. */
      line: string;
    }
  | null;

/** Team mode (PostgreSQL) or null for SQLite; a refusal line when the URL or the pool limit cannot be used. */
export function checkTeamMode(options: Pick<ServeOptions, 'databaseUrl'>, env: NodeJS.ProcessEnv, config: Pick<GatewayConfig, 'databaseUrl' | 'file' | 'generalSettings'>): TeamModeCheck {
  let choice;
  try {
    choice = chooseStorageEngine({ flag: options.databaseUrl, env, config: config.databaseUrl });
  } catch (error) {
    if (!(error instanceof DatabaseUrlSourceError)) throw error;
    return { kind: 'refuse', line: error.source.startsWith('general_settings.') ? `config error: ${config.file}: ${error.message}` : error.message };
  }
  if (choice.engine === 'sqlite') return null;
  let poolLimit: number | undefined;
  try {
    poolLimit = readPoolLimit(config.generalSettings);
  } catch (error) {
    return { kind: 'refuse', line: `config error: ${config.file}: ${(error as Error).message}` };
  }
  return {
    kind: 'postgresql', url: choice.url, source: choice.source, poolLimit,
    line: `Team mode: keys, budgets, models and settings are kept in PostgreSQL (${choice.url.masked}, from ${choice.source})`,
  };
}
