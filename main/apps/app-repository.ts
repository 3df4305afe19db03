// App repository: the apps table (migration 18), one row per app name ever seen and the rule a user
// may give an app without a key (budget, rpm/tpm, models, default model, allowed). One definition
// for both engines (docs/storage-engines.md): synchronous on SQLite, Promises on PostgreSQL. Keyed
// by the app's name string, whatever names it (today the User-Agent product token, later the
// calling process). Never touches spend or reservations except to clear a rule (the budget ledger,
// app-budget-ledger.ts, holds and charges them); never stores anything about a request.
import type { Clock } from '../storage/clock.js';
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { committed } from '../keys/committed.js';
import { budgetMicros, budgetPeriod, limitColumn, modelsColumn } from '../keys/owner-columns.js';
import { TeamError } from '../keys/team-error.js';
import { MAX_APP_NAME_LENGTH } from '../../shared/api/app-schemas.js';
import type { BackupApp } from '../../shared/api/backup-schemas.js';


export interface AppRecord {
  app: string;
  /** When admission first saw the app (epoch ms); null for a rule set before the app ever called. */
  firstSeen: number | null;
  /** Last request written to the usage log (updated with the usage batch, so up to one flush late). */
  lastSeen: number | null;
  maxBudgetMicros: number | null;
  budgetDuration: string | null;
  budgetResetAt: number | null;
  /** Spend in the current budget period (every keyless request of the app, like a key's spend). */
  spendMicros: number;
  reservedMicros: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  /** Allowed model groups or patterns; empty = every model. */
  models: string[];
  /** Where the active-model alias sends this app's requests; null = where the tray points it. */
  defaultModel: string | null;
  /** Listed for general_settings.only_allowed_apps. */
  allowed: boolean;
  updatedAt: number;
}

/** /app/update's fields. Absent = unchanged, null clears. */
export interface AppRuleFields {
  /** USD. */
  max_budget?: number | null;
  budget_duration?: string | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  models?: string[];
  default_model?: string | null;
  allowed?: boolean;
}

export type AppChangeType = 'seen' | 'updated' | 'cleared' | 'replaced';
export interface AppChange {
  type: AppChangeType;
  /** The app changed; '' for 'replaced' (every rule may have changed: a cache re-reads them all). */
  app: string;
  /** The row as committed ('updated', 'cleared'; null when a clear deleted it): a rule cache applies it at once. */
  record?: AppRecord | null;
}

export interface AppStore<M extends CallMode> {
  /** Every app ever seen or given a rule, by name. */
  list(): Returns<M, AppRecord[]>;
  info(app: string): Returns<M, AppRecord | null>;
  /** Sets rule fields, creating the row when the app was never seen (first_seen stays null). Throws TeamError('invalid_input'). */
  update(app: string, fields: AppRuleFields): Returns<M, AppRecord>;
  /**
   * Clears the rule (every rule field back to none, spend and the budget period too); the seen
   * history (first_seen, last_seen) stays. A row that was never seen is deleted. Null when unknown.
   */
  clearRule(app: string): Returns<M, AppRecord | null>;
  /**
   * Records that admission saw `app` now. True only for the call that made it seen (the row was
   * inserted, or existed with first_seen null), on every replica together: the one to announce it.
   */
  markSeen(app: string): Returns<M, boolean>;
  /** The names seen so far (first_seen set): admission's in-memory set is loaded from it at start. */
  seenNames(): Returns<M, string[]>;
  /** The apps with any rule field set: the admission cache. */
  rules(): Returns<M, AppRecord[]>;
  /**
   * A backup's restore: every rule becomes the given ones (apps with no entry lose theirs, as
   * clearRule does; the seen history of apps already here stays), in one transaction (a savepoint
   * inside the restore's on SQLite). Reservations are not touched: they belong to this run's
   * requests. Announces nothing: the caller calls rulesReplaced() once its own transaction ended,
   * so a cache never holds rules a rollback undid. Returns how many rules were written.
   */
  replaceRules(rules: readonly BackupApp[]): Returns<M, number>;
  /** Tells the listeners every rule may have changed ('replaced'): after replaceRules' transaction committed or rolled back. */
  rulesReplaced(): void;
  onChange(listener: (change: AppChange) => void): () => void;
}

export type AppRepository = AppStore<'sync'>;
export type AsyncAppRepository = AppStore<'async'>;

interface AppRow {
  app: string;
  first_seen: number | null;
  last_seen: number | null;
  max_budget_micros: number | null;
  budget_duration: string | null;
  budget_reset_at: number | null;
  spend_micros: number;
  reserved_micros: number;
  rpm_limit: number | null;
  tpm_limit: number | null;
  models: string;
  default_model: string | null;
  allowed: number;
  updated_at: number;
}

const COLUMNS = 'app, first_seen, last_seen, max_budget_micros, budget_duration, budget_reset_at, spend_micros, reserved_micros, rpm_limit, tpm_limit, models, default_model, allowed, updated_at';
/** Any rule field set: what has_rule means and what the admission cache loads. */
const HAS_RULE = "(max_budget_micros IS NOT NULL OR rpm_limit IS NOT NULL OR tpm_limit IS NOT NULL OR models <> '[]' OR default_model IS NOT NULL OR allowed = 1)";
const SELECT_ONE = sql(`SELECT ${COLUMNS} FROM apps WHERE app = ?`);
const SELECT_ALL = sql(`SELECT ${COLUMNS} FROM apps ORDER BY app`);
const SELECT_RULES = sql(`SELECT ${COLUMNS} FROM apps WHERE ${HAS_RULE} ORDER BY app`);
const SELECT_SEEN = sql('SELECT app FROM apps WHERE first_seen IS NOT NULL ORDER BY app');
const INSERT_RULE_ROW = sql('INSERT INTO apps (app, updated_at) VALUES (?, ?) ON CONFLICT (app) DO NOTHING');
// Inserted, or a rule row seeing its app for the first time: RETURNING says this call made it seen.
const MARK_SEEN = sql(
  `INSERT INTO apps (app, first_seen, last_seen, updated_at) VALUES (?, ?, ?, ?)
   ON CONFLICT (app) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen WHERE apps.first_seen IS NULL
   RETURNING app`,
);
const CLEAR_RULE = sql(
  `UPDATE apps SET max_budget_micros = NULL, budget_duration = NULL, budget_reset_at = NULL, spend_micros = 0, rpm_limit = NULL, tpm_limit = NULL,
     models = '[]', default_model = NULL, allowed = 0, updated_at = ? WHERE app = ?`,
);
const DELETE_UNSEEN = sql('DELETE FROM apps WHERE app = ? AND first_seen IS NULL');
// A restore: rule rows never seen go, seen apps keep their history and lose the rule (as CLEAR_RULE).
const DELETE_ALL_UNSEEN = sql('DELETE FROM apps WHERE first_seen IS NULL');
const CLEAR_ALL_RULES = sql(
  `UPDATE apps SET max_budget_micros = NULL, budget_duration = NULL, budget_reset_at = NULL, spend_micros = 0, rpm_limit = NULL, tpm_limit = NULL,
     models = '[]', default_model = NULL, allowed = 0, updated_at = ? WHERE ${HAS_RULE}`,
);
// The backup's rule over an app already here keeps the earlier first_seen and the later last_seen
// (CASE, not min/max: SQLite's scalar max and PostgreSQL's greatest differ); reserved_micros stays.
const RESTORE_RULE = sql(
  `INSERT INTO apps (app, first_seen, last_seen, max_budget_micros, budget_duration, budget_reset_at, spend_micros, rpm_limit, tpm_limit, models, default_model, allowed, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (app) DO UPDATE SET
     first_seen = CASE WHEN excluded.first_seen IS NOT NULL AND (apps.first_seen IS NULL OR excluded.first_seen < apps.first_seen) THEN excluded.first_seen ELSE apps.first_seen END,
     last_seen = CASE WHEN excluded.last_seen IS NOT NULL AND (apps.last_seen IS NULL OR excluded.last_seen > apps.last_seen) THEN excluded.last_seen ELSE apps.last_seen END,
     max_budget_micros = excluded.max_budget_micros, budget_duration = excluded.budget_duration, budget_reset_at = excluded.budget_reset_at,
     spend_micros = excluded.spend_micros, rpm_limit = excluded.rpm_limit, tpm_limit = excluded.tpm_limit, models = excluded.models,
     default_model = excluded.default_model, allowed = excluded.allowed, updated_at = excluded.updated_at`,
);

type UpdatableColumn = 'max_budget_micros' | 'budget_duration' | 'budget_reset_at' | 'rpm_limit' | 'tpm_limit' | 'models' | 'default_model' | 'allowed';
type ColumnValues = Partial<Record<UpdatableColumn, string | number | null>>;
const updateStatements = new Map<string, ReturnType<typeof sql>>();
/** One UPDATE per set of columns changed, defined the first time that set is seen (names from the fixed list above). */
function updateStatementFor(columns: readonly UpdatableColumn[]) {
  const cacheKey = columns.join(',');
  let statement = updateStatements.get(cacheKey);
  if (statement === undefined) {
    statement = sql(`UPDATE apps SET ${columns.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE app = ?`);
    updateStatements.set(cacheKey, statement);
  }
  return statement;
}

/** The app row, as a step of any unit. */
export function* findApp(app: string): Generator<StorageQuery, AppRecord | null, unknown> {
  const row = yield* get<AppRow>(SELECT_ONE, [app]);
  return row === undefined ? null : toRecord(row);
}

const updateApp = writeUnit(function* (app: string, fields: AppRuleFields, now: number) {
  checkAppName(app);
  const values = toColumns(fields, now);
  yield* run(INSERT_RULE_ROW, [app, now]);
  const columns = (Object.keys(values) as UpdatableColumn[]).sort();
  if (columns.length > 0) yield* run(updateStatementFor(columns), [...columns.map((c) => values[c]), now, app]);
  return (yield* findApp(app))!;
});

const clearApp = writeUnit(function* (app: string, now: number) {
  if ((yield* run(DELETE_UNSEEN, [app])).changes === 1) return null;
  if ((yield* run(CLEAR_RULE, [now, app])).changes === 0) return null;
  return yield* findApp(app);
});

const replaceRulesUnit = writeUnit(function* (rules: readonly BackupApp[], now: number) {
  yield* run(DELETE_ALL_UNSEEN, []);
  yield* run(CLEAR_ALL_RULES, [now]);
  for (const rule of rules) {
    checkAppName(rule.app);
    yield* run(RESTORE_RULE, [
      rule.app, rule.first_seen, rule.last_seen, rule.max_budget_micros, rule.budget_duration, rule.budget_reset_at, rule.spend_micros,
      rule.rpm_limit, rule.tpm_limit, JSON.stringify(rule.models), rule.default_model, rule.allowed ? 1 : 0, rule.updated_at,
    ]);
  }
  return rules.length;
});

const markSeenUnit = writeUnit(function* (app: string, now: number) {
  return (yield* get(MARK_SEEN, [app, now, now, now])) !== undefined;
});

const appInfo = readUnit(findApp);
const listApps = readUnit(function* () {
  return (yield* all<AppRow>(SELECT_ALL)).map(toRecord);
});
const listRules = readUnit(function* () {
  return (yield* all<AppRow>(SELECT_RULES)).map(toRecord);
});
const listSeen = readUnit(function* () {
  return (yield* all<{ app: string }>(SELECT_SEEN)).map((row) => row.app);
});

export function createAppRepository<C extends StorageConnection>(connection: C, clock: Clock): AppStore<ModeOf<C>> {
  const listeners = new Set<(change: AppChange) => void>();
  const update = bindUnit(connection, updateApp);
  const clear = bindUnit(connection, clearApp);
  const seen = bindUnit(connection, markSeenUnit);
  const replaceRules = bindUnit(connection, replaceRulesUnit);
  const emit = (type: AppChangeType, app: string, record?: AppRecord | null) => {
    for (const listener of listeners) listener(record === undefined ? { type, app } : { type, app, record });
  };
  const store: AppStore<CallMode> = {
    list: bindUnit(connection, listApps),
    info: bindUnit(connection, appInfo),
    update: (app, fields) => committed(() => update(app, fields, clock.now()), (record) => emit('updated', record.app, record)),
    clearRule: (app) => committed(() => clear(app, clock.now()), (record) => emit('cleared', app, record)),
    markSeen: (app) => committed(() => seen(app, clock.now()), (first) => {
      if (first) emit('seen', app);
    }),
    seenNames: bindUnit(connection, listSeen),
    rules: bindUnit(connection, listRules),
    replaceRules: (rules) => replaceRules(rules, clock.now()),
    rulesReplaced: () => emit('replaced', ''),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store as AppStore<ModeOf<C>>;
}

/** Whether a record carries any rule (has_rule on the wire; the admission cache holds only these). */
export function hasRule(record: AppRecord): boolean {
  return record.maxBudgetMicros !== null || record.rpmLimit !== null || record.tpmLimit !== null || record.models.length > 0 || record.defaultModel !== null || record.allowed;
}

function checkAppName(app: unknown): asserts app is string {
  if (typeof app !== 'string' || app.length === 0 || app.length > MAX_APP_NAME_LENGTH) {
    throw new TeamError('invalid_input', `app must be a non-empty name of at most ${MAX_APP_NAME_LENGTH} characters.`, 'app');
  }
}

function toRecord(row: AppRow): AppRecord {
  return {
    app: row.app,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    maxBudgetMicros: row.max_budget_micros,
    budgetDuration: row.budget_duration,
    budgetResetAt: row.budget_reset_at,
    spendMicros: row.spend_micros,
    reservedMicros: row.reserved_micros,
    rpmLimit: row.rpm_limit,
    tpmLimit: row.tpm_limit,
    models: JSON.parse(row.models) as string[],
    defaultModel: row.default_model,
    allowed: row.allowed === 1,
    updatedAt: row.updated_at,
  };
}

function toColumns(fields: AppRuleFields, now: number): ColumnValues {
  if (typeof fields !== 'object' || fields === null) throw new TeamError('invalid_input', 'App fields must be an object.');
  const values: ColumnValues = {};
  if (fields.max_budget !== undefined) values.max_budget_micros = budgetMicros(fields.max_budget, 'max_budget');
  if (fields.budget_duration !== undefined) Object.assign(values, budgetPeriod(fields.budget_duration, now));
  if (fields.rpm_limit !== undefined) values.rpm_limit = limitColumn(fields.rpm_limit, 'rpm_limit');
  if (fields.tpm_limit !== undefined) values.tpm_limit = limitColumn(fields.tpm_limit, 'tpm_limit');
  if (fields.models !== undefined) values.models = modelsColumn(fields.models);
  if (fields.default_model !== undefined) {
    const model = fields.default_model;
    if (model !== null && (typeof model !== 'string' || model.length === 0 || model.length > 256)) {
      throw new TeamError('invalid_input', 'default_model must be a model name, or null.', 'default_model');
    }
    values.default_model = model;
  }
  if (fields.allowed !== undefined) {
    if (typeof fields.allowed !== 'boolean') throw new TeamError('invalid_input', 'allowed must be true or false.', 'allowed');
    values.allowed = fields.allowed ? 1 : 0;
  }
  return values;
}
