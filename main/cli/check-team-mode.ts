// Until the repositories run on PostgreSQL, `serve` cannot honour a PostgreSQL URL. Asked for
// explicitly (`--database-url`) it refuses: running on SQLite instead would split a team's keys
// and spend across replicas. Found in the config or the environment (a LiteLLM config.yaml, a
// DATABASE_URL exported for LiteLLM) it says so loudly and starts on SQLite, because Switchboard
// reads a LiteLLM config unchanged and a desktop user moving over has no PostgreSQL to share.
import type { ServeOptions } from '../cli-args.js';
import type { GatewayConfig } from '../config/load-config.js';
import { chooseStorageEngine, DatabaseUrlSourceError } from '../storage/choose-storage-engine.js';

export type TeamModeCheck = { kind: 'refuse'; line: string } | { kind: 'warn'; line: string } | null;

/** What to print (the URL masked) and whether to stop with exit 2; null when no URL is set. */
export function checkTeamMode(options: Pick<ServeOptions, 'databaseUrl' | 'dataDir'>, env: NodeJS.ProcessEnv, config: Pick<GatewayConfig, 'databaseUrl' | 'file'>): TeamModeCheck {
  let choice;
  try {
    choice = chooseStorageEngine({ flag: options.databaseUrl, env, config: config.databaseUrl });
  } catch (error) {
    if (!(error instanceof DatabaseUrlSourceError)) throw error;
    return { kind: 'refuse', line: error.source.startsWith('general_settings.') ? `config error: ${config.file}: ${error.message}` : error.message };
  }
  if (choice.engine === 'sqlite') return null;
  const unavailable = `${choice.source} selects PostgreSQL (${choice.url.masked}), but team mode on PostgreSQL is not available in this version yet`;
  if (choice.source.startsWith('--database-url')) {
    return {
      kind: 'refuse',
      line: `${unavailable}, so Switchboard does not start rather than keep keys and usage in a local file other replicas cannot see. To run on the embedded SQLite database in ${options.dataDir}, leave out --database-url.`,
    };
  }
  const remedy = choice.source.startsWith('DATABASE_URL') ? 'unset DATABASE_URL (or start with DATABASE_URL= )' : `remove general_settings.database_url from ${config.file}`;
  return {
    kind: 'warn',
    line: `${unavailable}: keys, budgets and usage are kept in the embedded SQLite database in ${options.dataDir}, which other replicas do not see. To silence this, ${remedy}.`,
  };
}
