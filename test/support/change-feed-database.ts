// A database on the throwaway cluster migrated to this build's schema plus migration 12 (change
// versions): until migrations 10 and 11 are merged, the app's list stops at 9 and step 12 is
// appended under the next free number (the runner refuses gaps). Once the list holds it, it is
// used as is.
import { parseDatabaseUrl, type PostgresDatabaseUrl } from '../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../main/storage/migrate-postgres-database.js';
import { CHANGE_VERSIONS_STEP, MIGRATIONS, type PostgresMigration } from '../../main/storage/migrations/index.js';
import { silentLog } from './silent-log.js';

export function migrationsWithChangeVersions(): readonly PostgresMigration[] {
  if (MIGRATIONS.some((step) => step.name === CHANGE_VERSIONS_STEP.name)) return MIGRATIONS;
  return [...MIGRATIONS, { ...CHANGE_VERSIONS_STEP, version: MIGRATIONS.length + 1 }];
}

export async function migrateWithChangeVersions(urlText: string): Promise<{ url: PostgresDatabaseUrl; schemaVersion: number }> {
  const url = parseDatabaseUrl(urlText);
  const { schemaVersion } = await migratePostgresDatabase({ url, log: silentLog, migrations: migrationsWithChangeVersions() });
  return { url, schemaVersion };
}
