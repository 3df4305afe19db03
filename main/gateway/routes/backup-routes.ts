// GET /backup and POST /backup/restore (admin only, in the management zone): one versioned JSON
// document with the virtual keys (hashes: restored keys keep working, and no raw key exists to
// leak) and their owners, the teams, users and memberships, the apps' rules (version 3), the models
// added in the dashboard, the dashboard's settings and what switchboard/active points at. A restore
// validates the whole document first (a key naming a team or user the backup lacks, a bad app
// rule, is refused by name) and changes nothing on any problem; into a gateway that already has
// keys, models, teams, users or app rules it needs `confirm: true`, since it replaces them. A
// version-1 file (before teams) restores its keys ownerless; a version-1 or -2 file (before app
// rules) leaves no app rule. An active model not served after the restore is a warning, not a
// failure. Never reads a provider key.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { parseBody } from './parse-body.js';
import { InvalidStoredModelError, storedModelToDeployment } from '../../config/stored-model-deployments.js';
import type { BackupStore } from '../../storage/backup-store.js';
import type { CallMode } from '../../storage/storage-connection.js';
import type { KeyStore } from '../../keys/key-repository.js';
import type { GatewaySettings } from '../../config/gateway-settings.js';
import type { Deployment } from '../../core/deployment.js';
import { isGatewayError } from '../../core/gateway-error.js';
import type { ActiveModelStore } from '../../routing/active-model.js';
import type { AppRecord, AppStore } from '../../apps/app-repository.js';
import { parseDuration } from '../../keys/parse-duration.js';
import { KeyError } from '../../keys/key-error.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  READABLE_BACKUP_VERSIONS,
  restoreRequestSchema,
  type BackupApp,
  type BackupDocument,
  type RestoreResult,
} from '../../../shared/api/backup-schemas.js';
import type { SettingsUpdate } from '../../../shared/api/settings-schemas.js';

export interface BackupRouteDeps {
  store: BackupStore;
  /** On SQLite (the backup store's engine): called inside its transaction. */
  keys: KeyStore<CallMode>;
  settings: GatewaySettings;
  /** The config file's deployments: a restored model may not reuse one of their ids. */
  configDeployments: readonly Deployment[];
  /** For os.environ/NAME references in restored models. */
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Serves the restored models at once. */
  reloadModels(): void;
  /** switchboard/active: backed up, and set by a restore once the restored models are served. */
  activeModel: ActiveModelStore<CallMode>;
  /** The apps' rules; on SQLite, replaced inside the restore's transaction. */
  apps: AppStore<CallMode>;
  /**
   * Writes queued usage rows first (they charge keys' and apps' spend when written): a backup then
   * holds the spend of every request already answered, and a restore is not charged afterwards
   * with requests made before it.
   */
  beforeRead?: () => unknown;
}

export function registerBackupRoutes(app: FastifyInstance, deps: BackupRouteDeps): void {
  app.get('/backup', async (): Promise<BackupDocument> => {
    await deps.beforeRead?.();
    return {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      created_at: new Date(deps.now()).toISOString(),
      keys: deps.store.keys(),
      teams: deps.store.teams(),
      users: deps.store.users(),
      team_memberships: deps.store.memberships(),
      apps: (await deps.apps.rules()).map(toBackupApp),
      models: deps.store.models(),
      settings: currentSettings(deps.settings),
      active_model: { model: deps.activeModel.followsDefault() ? null : deps.activeModel.state().model },
    };
  });

  app.post('/backup/restore', async (request): Promise<RestoreResult> => {
    const { backup, confirm } = parseBody(restoreRequestSchema, describeFormat(request.body));
    checkConsistent(backup, deps);
    await deps.beforeRead?.();
    const existing = { ...deps.store.counts(), apps: (await deps.apps.rules()).length };
    if ((existing.keys > 0 || existing.models > 0 || existing.teams > 0 || existing.users > 0 || existing.apps > 0) && confirm !== true) {
      // Teams, users and app rules are named only when there are some: a gateway without them reads as before.
      const owners = [
        existing.teams > 0 ? plural(existing.teams, 'team') : '', existing.users > 0 ? plural(existing.users, 'user') : '',
        existing.apps > 0 ? plural(existing.apps, 'app rule') : '',
      ].filter(Boolean);
      throw new GatewayError(
        'invalid_request',
        `This gateway already has ${[plural(existing.keys, 'key'), ...owners].join(', ')} and ${plural(existing.models, 'model')} added in the dashboard; restoring replaces them all. Send "confirm": true to go ahead.`,
        { param: 'confirm' },
      );
    }
    const teams = backup.teams ?? [];
    const users = backup.users ?? [];
    // A version-1 or -2 backup has no app rules: the restore leaves none.
    const apps = backup.apps ?? [];
    try {
      deps.store.replace({ keys: backup.keys, teams, users, memberships: backup.team_memberships ?? [], models: backup.models }, deps.now(), {
        beforeInsert: () => {
          // Through the repository, so the key cache forgets every replaced key at once.
          const ids = deps.store.keys().map((key) => key.id);
          if (ids.length > 0 && deps.keys.delete({ keys: ids }) instanceof Promise) throw new Error('a backup is restored on SQLite only');
        },
        afterInsert: () => {
          // Inside the restore's SQLite transaction (the backup store runs on SQLite only), where
          // the settings and app rules answer at once; a Promise here would escape the transaction.
          if (deps.settings.update(backup.settings) instanceof Promise) throw new Error('a backup is restored on SQLite only');
          if (deps.apps.replaceRules(apps) instanceof Promise) throw new Error('a backup is restored on SQLite only');
        },
      });
    } finally {
      // Committed or rolled back, the app rules cache re-reads what is stored now: the next
      // request meets the restored rules (or, after a failure, the unchanged ones) without a restart.
      deps.apps.rulesReplaced();
    }
    deps.reloadModels();
    const warnings = backup.active_model === undefined ? [] : await restoreActiveModel(deps.activeModel, backup.active_model.model);
    return { keys: backup.keys.length, models: backup.models.length, teams: teams.length, users: users.length, apps: apps.length, replaced: existing, active_model: deps.activeModel.state().model, warnings };
  });
}

/**
 * Points switchboard/active where the backup says, once the restored models are served: the
 * default again (null), or the chosen model when this gateway serves it; else it stays where it
 * is and the answer says why, since the keys and models restored fine and must not be undone for it.
 */
async function restoreActiveModel(store: ActiveModelStore<CallMode>, model: string | null): Promise<string[]> {
  if (model === null) {
    await store.useDefault();
    return [];
  }
  try {
    await store.switchTo(model);
    return [];
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const current = store.state().model;
    return [
      `The backup's active model "${model}" is not served here (neither this gateway's config file nor the backup's models have it), ` +
        `so ${store.alias} stays on ${current === null ? 'no model' : `"${current}"`}. Switch it under Models or with POST /active-model.`,
    ];
  }
}

/** A document of another kind or version gets a sentence that says so, not a schema path. */
function describeFormat(body: unknown): unknown {
  const backup = (body as { backup?: unknown } | null)?.backup;
  if (typeof backup !== 'object' || backup === null) return body;
  const { format, version } = backup as { format?: unknown; version?: unknown };
  if (format !== BACKUP_FORMAT) throw new GatewayError('invalid_request', `This is not a Switchboard backup (format must be "${BACKUP_FORMAT}")`, { param: 'backup.format' });
  if (typeof version !== 'number' || !READABLE_BACKUP_VERSIONS.includes(version)) {
    throw new GatewayError('invalid_request', `This backup is version ${JSON.stringify(version)}; this Switchboard reads versions ${listed(READABLE_BACKUP_VERSIONS)} (it writes ${BACKUP_VERSION})`, { param: 'backup.version' });
  }
  return body;
}

/** What the schema cannot see: duplicates across entries, clashes with the config, models that would not load, owners missing. */
function checkConsistent(backup: BackupDocument, deps: BackupRouteDeps): void {
  const { teamIds, userIds } = checkOwners(backup);
  const seen = { id: new Set<string>(), hash: new Set<string>(), alias: new Set<string>() };
  backup.keys.forEach((key, index) => {
    const where = `backup.keys[${index}]`;
    if (seen.id.has(key.id)) throw new GatewayError('invalid_request', `${where}: the key id ${key.id} appears twice`, { param: `${where}.id` });
    if (seen.hash.has(key.key_hash)) throw new GatewayError('invalid_request', `${where}: the same key hash appears twice`, { param: `${where}.key_hash` });
    if (key.key_alias !== null && seen.alias.has(key.key_alias)) throw new GatewayError('invalid_request', `${where}: the alias "${key.key_alias}" appears twice`, { param: `${where}.key_alias` });
    // An owner the backup lacks would leave the key pointing at nothing (no budget, no members).
    if (key.team_id != null && !teamIds.has(key.team_id)) {
      throw new GatewayError('invalid_request', `${where}: the key ${key.key_alias === null ? key.id : `"${key.key_alias}"`} belongs to team ${JSON.stringify(key.team_id)}, which is not in the backup`, { param: `${where}.team_id` });
    }
    if (key.user_id != null && !userIds.has(key.user_id)) {
      throw new GatewayError('invalid_request', `${where}: the key ${key.key_alias === null ? key.id : `"${key.key_alias}"`} belongs to user ${JSON.stringify(key.user_id)}, who is not in the backup`, { param: `${where}.user_id` });
    }
    seen.id.add(key.id);
    seen.hash.add(key.key_hash);
    if (key.key_alias !== null) seen.alias.add(key.key_alias);
  });
  checkApps(backup.apps ?? []);
  const configIds = new Set(deps.configDeployments.map((d) => d.id));
  const modelIds = new Set<string>();
  backup.models.forEach((model, index) => {
    const where = `backup.models[${index}]`;
    if (modelIds.has(model.id)) throw new GatewayError('invalid_request', `${where}: the model id ${model.id} appears twice`, { param: `${where}.id` });
    if (configIds.has(model.id)) throw new GatewayError('invalid_request', `${where}: the model id ${model.id} is also used by the config file`, { param: `${where}.id` });
    modelIds.add(model.id);
    try {
      storedModelToDeployment({ id: model.id, modelName: model.model_name, litellmParams: model.litellm_params, modelInfo: model.model_info }, deps.env);
    } catch (error) {
      if (error instanceof InvalidStoredModelError) throw new GatewayError('invalid_request', `${where} (${model.model_name}): ${error.message}`, { param: where });
      throw error;
    }
  });
}

/** App rules: each name once, each with a rule, a budget period the gateway can reset. */
function checkApps(apps: readonly BackupApp[]): void {
  const names = new Set<string>();
  apps.forEach((app, index) => {
    const where = `backup.apps[${index}]`;
    const named = `${where} (app ${JSON.stringify(app.app)})`;
    if (names.has(app.app)) throw new GatewayError('invalid_request', `${named}: the app appears twice`, { param: `${where}.app` });
    names.add(app.app);
    if (app.max_budget_micros === null && app.rpm_limit === null && app.tpm_limit === null && app.models.length === 0 && app.default_model === null && !app.allowed) {
      throw new GatewayError('invalid_request', `${named}: the entry sets no rule (a backup carries only apps with one)`, { param: where });
    }
    if (app.budget_duration !== null) {
      try {
        parseDuration(app.budget_duration, `${where}.budget_duration`);
      } catch (error) {
        if (error instanceof KeyError) throw new GatewayError('invalid_request', `${named}: ${error.message}`, { param: `${where}.budget_duration` });
        throw error;
      }
      // A period with no end would never reset: the ledger resets at budget_reset_at.
      if (app.budget_reset_at === null) throw new GatewayError('invalid_request', `${named}: budget_duration ${JSON.stringify(app.budget_duration)} needs a budget_reset_at`, { param: `${where}.budget_reset_at` });
    }
  });
}

/** An app's rule as a backup carries it: the period's spend goes with it (as a key's does), its reservations do not. */
function toBackupApp(record: AppRecord): BackupApp {
  return {
    app: record.app,
    max_budget_micros: record.maxBudgetMicros,
    budget_duration: record.budgetDuration,
    budget_reset_at: record.budgetResetAt,
    spend_micros: record.spendMicros,
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    models: record.models,
    default_model: record.defaultModel,
    allowed: record.allowed,
    first_seen: record.firstSeen,
    last_seen: record.lastSeen,
    updated_at: record.updatedAt,
  };
}

/** Teams, users and memberships: each id once, each email once, each membership between a team and a user of the backup. */
function checkOwners(backup: BackupDocument): { teamIds: Set<string>; userIds: Set<string> } {
  const teamIds = new Set<string>();
  (backup.teams ?? []).forEach((team, index) => {
    if (teamIds.has(team.id)) throw new GatewayError('invalid_request', `backup.teams[${index}]: the team id ${JSON.stringify(team.id)} appears twice`, { param: `backup.teams[${index}].id` });
    teamIds.add(team.id);
  });
  const userIds = new Set<string>();
  const emails = new Set<string>();
  (backup.users ?? []).forEach((user, index) => {
    const where = `backup.users[${index}]`;
    if (userIds.has(user.id)) throw new GatewayError('invalid_request', `${where}: the user id ${JSON.stringify(user.id)} appears twice`, { param: `${where}.id` });
    if (user.user_email !== null && emails.has(user.user_email)) throw new GatewayError('invalid_request', `${where}: the email ${JSON.stringify(user.user_email)} appears twice`, { param: `${where}.user_email` });
    userIds.add(user.id);
    if (user.user_email !== null) emails.add(user.user_email);
  });
  const pairs = new Set<string>();
  (backup.team_memberships ?? []).forEach((membership, index) => {
    const where = `backup.team_memberships[${index}]`;
    if (!teamIds.has(membership.team_id)) throw new GatewayError('invalid_request', `${where}: team ${JSON.stringify(membership.team_id)} is not in the backup`, { param: `${where}.team_id` });
    if (!userIds.has(membership.user_id)) throw new GatewayError('invalid_request', `${where}: user ${JSON.stringify(membership.user_id)} is not in the backup`, { param: `${where}.user_id` });
    const pair = JSON.stringify([membership.team_id, membership.user_id]);
    if (pairs.has(pair)) throw new GatewayError('invalid_request', `${where}: user ${JSON.stringify(membership.user_id)} is a member of team ${JSON.stringify(membership.team_id)} twice`, { param: where });
    pairs.add(pair);
  });
  return { teamIds, userIds };
}

function currentSettings(settings: GatewaySettings): SettingsUpdate {
  const values = settings.values();
  const ollama = values.ollamaKeyless;
  return {
    retention_days: values.retentionDays,
    body_logging: values.bodyLogging,
    allowed_origins: [...values.allowedOrigins],
    ...(ollama.allowWithoutKey === undefined && ollama.models === undefined
      ? {}
      : { ollama_api: { ...(ollama.allowWithoutKey === undefined ? {} : { allow_without_key: ollama.allowWithoutKey }), ...(ollama.models === undefined ? {} : { models: [...ollama.models] }) } }),
  };
}

/** 1, 2 and 3. */
function listed(values: readonly number[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
