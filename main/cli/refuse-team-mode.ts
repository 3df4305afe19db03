// Until the repositories run on PostgreSQL, a PostgreSQL URL stops `serve`: running on SQLite
// instead would split a team's keys and spend across replicas without anyone noticing.
import type { ServeOptions } from '../cli-args.js';
import type { GatewayConfig } from '../config/load-config.js';
import { chooseStorageEngine, DatabaseUrlSourceError } from '../storage/choose-storage-engine.js';

/** The line to print before exiting with 2, or null to start on SQLite. The URL is shown masked. */
export function refuseTeamMode(options: Pick<ServeOptions, 'databaseUrl' | 'dataDir'>, env: NodeJS.ProcessEnv, config: Pick<GatewayConfig, 'databaseUrl' | 'file'>): string | null {
  let choice;
  try {
    choice = chooseStorageEngine({ flag: options.databaseUrl, env, config: config.databaseUrl });
  } catch (error) {
    if (!(error instanceof DatabaseUrlSourceError)) throw error;
    return error.source.startsWith('general_settings.') ? `config error: ${config.file}: ${error.message}` : error.message;
  }
  if (choice.engine === 'sqlite') return null;
  const remedy = choice.source.startsWith('--database-url')
    ? 'leave out --database-url'
    : choice.source.startsWith('DATABASE_URL')
      ? 'unset DATABASE_URL (or start with DATABASE_URL= )'
      : `remove general_settings.database_url from ${config.file}`;
  return (
    `${choice.source} selects PostgreSQL (${choice.url.masked}), but team mode on PostgreSQL is not available in this version yet, ` +
    `so Switchboard does not start rather than keep keys and usage in a local file other replicas cannot see. ` +
    `To run on the embedded SQLite database in ${options.dataDir}, ${remedy}.`
  );
}
