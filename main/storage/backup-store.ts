// The rows a backup carries, read and replaced in one transaction: virtual keys WITH their SHA-256
// hashes (so restored keys keep working; a raw key is never stored anywhere to back up) and their
// owners (team_id, user_id), the teams, users and team memberships with their budgets and spend,
// and the dashboard's models. Reservations are not copied: they belong to requests of the old run,
// so every restored reserved_micros is 0. SQLite only (team mode backs up with pg_dump).
// Never sees a plaintext key; provider keys are references inside litellm_params.
import type Database from 'better-sqlite3';
import { immediateTransaction } from './immediate-transaction.js';
import { VIRTUAL_KEY_COLUMNS, decodeVirtualKeyRow, encodeVirtualKeyRow, type VirtualKeyRow } from './virtual-key-row.js';
import type { BackupKey, BackupMembership, BackupModel, BackupTeam, BackupUser } from '../../shared/api/backup-schemas.js';

/** What a restore puts in place of everything the store holds. */
export interface BackupContents {
  keys: readonly BackupKey[];
  teams: readonly BackupTeam[];
  users: readonly BackupUser[];
  memberships: readonly BackupMembership[];
  models: readonly BackupModel[];
}

export interface BackupCounts {
  keys: number;
  models: number;
  teams: number;
  users: number;
}

export interface BackupStore {
  keys(): BackupKey[];
  teams(): BackupTeam[];
  users(): BackupUser[];
  memberships(): BackupMembership[];
  models(): BackupModel[];
  /** Existing rows a restore would replace. */
  counts(): BackupCounts;
  /**
   * Replaces every key, team, user, membership and dashboard model with the given ones,
   * atomically; `beforeInsert` runs inside the same transaction first (the caller deletes keys
   * through the key repository there, so its caches hear of it), and `afterInsert` last
   * (settings), so a failure undoes all of it.
   */
  replace(contents: BackupContents, now: number, hooks: { beforeInsert(): void; afterInsert(): void }): void;
}

interface BackupKeyRow extends VirtualKeyRow {
  key_hash: string;
  team_id: string | null;
  user_id: string | null;
}

interface TeamRow extends Omit<BackupTeam, 'models' | 'metadata' | 'blocked'> {
  models: string;
  metadata: string;
  blocked: number;
}

interface UserRow extends Omit<BackupUser, 'models' | 'metadata'> {
  models: string;
  metadata: string;
}

const KEY_COLUMNS = ['key_hash', ...VIRTUAL_KEY_COLUMNS, 'team_id', 'user_id'];
const TEAM_COLUMNS: readonly (keyof BackupTeam)[] = [
  'id', 'team_alias', 'models', 'max_budget_micros', 'soft_budget_micros', 'budget_duration', 'budget_reset_at', 'spend_micros',
  'tpm_limit', 'rpm_limit', 'team_member_budget_micros', 'metadata', 'blocked', 'created_at', 'updated_at',
];
const USER_COLUMNS: readonly (keyof BackupUser)[] = [
  'id', 'user_email', 'user_role', 'max_budget_micros', 'budget_duration', 'budget_reset_at', 'spend_micros', 'models', 'metadata', 'created_at', 'updated_at',
];
const MEMBERSHIP_COLUMNS: readonly (keyof BackupMembership)[] = ['team_id', 'user_id', 'role', 'max_budget_in_team_micros', 'spend_micros', 'created_at'];

const named = (columns: readonly string[]) => columns.map((c) => `:${c}`).join(', ');

export function createBackupStore(db: Database.Database): BackupStore {
  const selectKeys = db.prepare<[], BackupKeyRow>(`SELECT ${KEY_COLUMNS.join(', ')} FROM virtual_keys ORDER BY created_at, rowid`);
  const selectTeams = db.prepare<[], TeamRow>(`SELECT ${TEAM_COLUMNS.join(', ')} FROM teams ORDER BY created_at, id`);
  const selectUsers = db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS.join(', ')} FROM users ORDER BY created_at, id`);
  const selectMemberships = db.prepare<[], BackupMembership>(`SELECT ${MEMBERSHIP_COLUMNS.join(', ')} FROM team_memberships ORDER BY created_at, team_id, user_id`);
  const selectModels = db.prepare<[], { id: string; model_name: string; litellm_params: string; model_info: string }>(
    'SELECT id, model_name, litellm_params, model_info FROM models ORDER BY created_at, rowid',
  );
  const count = db.prepare<[], BackupCounts>(
    'SELECT (SELECT count(*) FROM virtual_keys) AS keys, (SELECT count(*) FROM models) AS models, (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM users) AS users',
  );
  const insertKey = db.prepare<Record<string, unknown>>(`INSERT INTO virtual_keys (${KEY_COLUMNS.join(', ')}) VALUES (${named(KEY_COLUMNS)})`);
  const insertTeam = db.prepare<Record<string, unknown>>(`INSERT INTO teams (${TEAM_COLUMNS.join(', ')}) VALUES (${named(TEAM_COLUMNS)})`);
  const insertUser = db.prepare<Record<string, unknown>>(`INSERT INTO users (${USER_COLUMNS.join(', ')}) VALUES (${named(USER_COLUMNS)})`);
  const insertMembership = db.prepare<Record<string, unknown>>(`INSERT INTO team_memberships (${MEMBERSHIP_COLUMNS.join(', ')}) VALUES (${named(MEMBERSHIP_COLUMNS)})`);
  const deleteModels = db.prepare('DELETE FROM models');
  // Memberships go with their team and user (ON DELETE CASCADE). The keys are gone already
  // (beforeInsert, through the key repository, which also frees what their requests held above them).
  const deleteTeams = db.prepare('DELETE FROM teams');
  const deleteUsers = db.prepare('DELETE FROM users');
  const insertModel = db.prepare<[string, string, string, string, number, number]>(
    'INSERT INTO models (id, model_name, litellm_params, model_info, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );

  const replace = immediateTransaction(db, (contents: BackupContents, now: number, hooks: { beforeInsert(): void; afterInsert(): void }) => {
    hooks.beforeInsert();
    deleteModels.run();
    deleteTeams.run();
    deleteUsers.run();
    // Owners before what names them: a membership needs its team and user (foreign keys).
    for (const team of contents.teams) insertTeam.run({ ...team, models: JSON.stringify(team.models), metadata: JSON.stringify(team.metadata), blocked: team.blocked ? 1 : 0 });
    for (const user of contents.users) insertUser.run({ ...user, models: JSON.stringify(user.models), metadata: JSON.stringify(user.metadata) });
    for (const membership of contents.memberships) insertMembership.run({ ...membership });
    for (const key of contents.keys) {
      // A version-1 backup's keys carry no owners: they come back ownerless.
      insertKey.run({ ...encodeVirtualKeyRow(key), team_id: key.team_id ?? null, user_id: key.user_id ?? null });
    }
    // One millisecond apart keeps the backup's order, which is the order the router lists them in.
    contents.models.forEach((model, index) => {
      insertModel.run(model.id, model.model_name, JSON.stringify(model.litellm_params), JSON.stringify(model.model_info), now + index, now + index);
    });
    hooks.afterInsert();
  });

  return {
    keys: () => selectKeys.all().map(decodeVirtualKeyRow),
    teams: () => selectTeams.all().map((row) => ({ ...row, models: JSON.parse(row.models) as string[], metadata: JSON.parse(row.metadata) as Record<string, unknown>, blocked: row.blocked === 1 })),
    users: () => selectUsers.all().map((row) => ({ ...row, models: JSON.parse(row.models) as string[], metadata: JSON.parse(row.metadata) as Record<string, unknown> })),
    memberships: () => selectMemberships.all(),
    models: () => selectModels.all().map((row) => ({
      id: row.id,
      model_name: row.model_name,
      litellm_params: JSON.parse(row.litellm_params) as BackupModel['litellm_params'],
      model_info: JSON.parse(row.model_info) as BackupModel['model_info'],
    })),
    counts: () => ({ ...count.get()! }),
    replace,
  };
}
