// A database on the throwaway cluster migrated to this build's schema (which includes migration
// 12, the change versions the change feed reads).
import { parseDatabaseUrl, type PostgresDatabaseUrl } from '../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../main/storage/migrations/index.js';
import { silentLog } from './silent-log.js';

export async function migrateWithChangeVersions(urlText: string): Promise<{ url: PostgresDatabaseUrl; schemaVersion: number }> {
  const url = parseDatabaseUrl(urlText);
  const { schemaVersion } = await migratePostgresDatabase({ url, log: silentLog, migrations: MIGRATIONS });
  return { url, schemaVersion };
}
