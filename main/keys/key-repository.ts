// Key repository: create, update, delete, list, regenerate, block and unblock virtual keys, with
// LiteLLM's field names on the way in. One definition for both engines (docs/storage-engines.md):
// synchronous on SQLite, Promise-returning on PostgreSQL. Returns the plaintext key exactly once
// (from create/regenerate); stores only its SHA-256 and last 4 characters. Never returns the hash.
import type { Clock } from '../storage/clock.js';
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import { columnUpdateStatements } from '../storage/column-update-statements.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { sqliteCodeOf } from '../storage/storage-error.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { resetAllDueBudgets } from './budget-reset.js';
import { releaseDeletedKeyHolds } from './release-deleted-key-holds.js';
import { KeyError } from './key-error.js';
import { keyAllowsModel } from './key-allows-model.js';
import { findTeam } from './team-repository.js';
import { shownId } from './shown-id.js';
import { findUser } from './user-repository.js';
import { addDuration, parseDuration } from './parse-duration.js';
import { MAX_KEY_ALIAS_LENGTH, MAX_KEY_MODEL_NAME_LENGTH, MAX_KEY_MODELS } from '../../shared/api/key-schemas.js';
import { VIRTUAL_KEY_COLUMNS, decodeVirtualKeyRow, type VirtualKeyRow } from '../storage/virtual-key-row.js';
import { committed } from './committed.js';
import { KEY_PREFIX, generateKeyId, generateKeySecret, hashKey, keyLast4, maskKey } from './virtual-keys.js';

export interface VirtualKeyRecord {
  id: string;
  keyLast4: string;
  keyAlias: string | null;
  /** Allowed model names or patterns; empty means every model. */
  models: string[];
  maxBudgetMicros: number | null;
  budgetDuration: string | null;
  budgetResetAt: number | null;
  spendMicros: number;
  /** Worst-case money held by requests in flight (see budget-ledger.ts). */
  reservedMicros: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallelRequests: number | null;
  expiresAt: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  /** The team that owns the key (migration 14); null for a key of nobody's, as every key made before. */
  teamId: string | null;
  /** The user that owns the key; a team key with no user is a service-account key. */
  userId: string | null;
}

/** What admission enforces of a key's team: its `blocked` flag, its model list and its rate limits. */
export interface KeyTeamLimits {
  id: string;
  teamAlias: string | null;
  /** Empty means every model. */
  models: string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
  blocked: boolean;
}

/** What admission enforces of a key's user: its model list (for a key without a team). */
export interface KeyUserLimits {
  id: string;
  userEmail: string | null;
  /** Empty means every model. */
  models: string[];
}

/**
 * A key as admission sees it: the key and what its team and user limit, read in the same unit
 * that finds the key (one more query only for a key with an owner; an ownerless key's lookup is
 * unchanged). null when the key has no team (or user), or when its team (or user) no longer exists.
 */
export interface AdmissionKeyRecord extends VirtualKeyRecord {
  team: KeyTeamLimits | null;
  user: KeyUserLimits | null;
}

/**
 * The fields of LiteLLM's /key/generate and /key/update, as sent. In an update, an absent
 * field is left alone and `null` clears it (no budget, no limit, never expires).
 */
export interface KeyFields {
  key_alias?: string | null;
  models?: string[];
  /** USD. */
  max_budget?: number | null;
  /** `30s|30m|30h|30d|2w|1mo`: spend resets to 0 on this schedule, starting now. */
  budget_duration?: string | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  max_parallel_requests?: number | null;
  /** Expires this long from now; null = never. */
  duration?: string | null;
  /** Absolute expiry, ISO 8601; null = never. */
  expires?: string | null;
  metadata?: Record<string, unknown>;
  blocked?: boolean;
  /** The owning team; must exist, and the key's models must fit in the team's. null = no team. */
  team_id?: string | null;
  /** The owning user; must exist. null = no user. */
  user_id?: string | null;
}

export interface KeyListPage {
  keys: VirtualKeyRecord[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export type KeyChangeType = 'created' | 'updated' | 'deleted' | 'regenerated' | 'budget_reset';
export interface KeyChange {
  type: KeyChangeType;
  keyId: string;
}

export interface KeyStore<M extends CallMode> {
  /** Creates a key; `key` is the plaintext, shown to the user once and never retrievable again. */
  create(fields?: KeyFields): Returns<M, { key: string; record: VirtualKeyRecord }>;
  /** `ref` is a key id (`key_...`) or the plaintext key. Throws KeyError('key_not_found'). */
  update(ref: string, fields: KeyFields): Returns<M, VirtualKeyRecord>;
  /** LiteLLM's /key/delete body. Unknown refs are reported (masked), not thrown. */
  delete(input: { keys?: string[]; key_aliases?: string[] }): Returns<M, { deletedIds: string[]; notFound: string[] }>;
  info(ref: string): Returns<M, VirtualKeyRecord | null>;
  /** Looks a key up by the SHA-256 hex of the presented secret, with its team's and user's limits (verify-key.ts). */
  findByHash(keyHash: string): Returns<M, AdmissionKeyRecord | null>;
  list(options?: KeyListOptions): Returns<M, KeyListPage>;
  /** A new secret for the same id, limits, budget and spend; the old secret stops working. */
  regenerate(ref: string): Returns<M, { key: string; record: VirtualKeyRecord }>;
  block(ref: string): Returns<M, VirtualKeyRecord>;
  unblock(ref: string): Returns<M, VirtualKeyRecord>;
  /** The sweep: resets every budget whose budget_reset_at has passed. Returns the key ids. */
  resetDueBudgets(): Returns<M, string[]>;
  /** Called after every committed change; returns an unsubscribe function. */
  onChange(listener: (change: KeyChange) => void): () => void;
  /** Tells the listeners of a change another repository's unit committed (a team or user delete removed keys). */
  announce(change: KeyChange): void;
}

export interface KeyListOptions {
  page?: number;
  pageSize?: number;
  keyAlias?: string;
  teamId?: string;
  userId?: string;
}

/** On SQLite (the desktop): every call answers synchronously. */
export type KeyRepository = KeyStore<'sync'>;
/** On PostgreSQL (team mode): every call answers with a Promise. */
export type AsyncKeyRepository = KeyStore<'async'>;

export const MAX_KEY_LIST_PAGE_SIZE = 100;
const MAX_METADATA_JSON = 64 * 1024;
/** $1,000,000,000: far above any real budget, far below Number.MAX_SAFE_INTEGER micros. */
const MAX_BUDGET_USD = 1e9;

interface KeyRow extends VirtualKeyRow {
  reserved_micros: number;
  team_id: string | null;
  user_id: string | null;
}

/** Every column but key_hash, which leaves this module only for a lookup by it. */
const COLUMNS = [...VIRTUAL_KEY_COLUMNS, 'reserved_micros', 'team_id', 'user_id'].join(', ');

type UpdatableColumn = 'key_alias' | 'models' | 'max_budget_micros' | 'budget_duration' | 'budget_reset_at' | 'rpm_limit' | 'tpm_limit' | 'max_parallel_requests' | 'expires_at' | 'blocked' | 'metadata' | 'team_id' | 'user_id';
type ColumnValues = Partial<Record<UpdatableColumn, string | number | null>>;

const SELECT_BY_ID = sql(`SELECT ${COLUMNS} FROM virtual_keys WHERE id = ?`);
const SELECT_BY_HASH = sql(`SELECT ${COLUMNS} FROM virtual_keys WHERE key_hash = ?`);
/**
 * What an owned key's team and user limit, by their ids (either may be null): a second query only
 * for a key that has an owner, so an ownerless key's lookup stays the one query it always was.
 */
const SELECT_OWNER_LIMITS = sql(
  `SELECT t.id AS team_found, t.team_alias AS team_alias, t.models AS team_models, t.rpm_limit AS team_rpm_limit,
     t.tpm_limit AS team_tpm_limit, t.blocked AS team_blocked,
     u.id AS user_found, u.user_email AS user_email, u.models AS user_models
   FROM (SELECT 1 AS one) AS one LEFT JOIN teams t ON t.id = ? LEFT JOIN users u ON u.id = ?`,
);
const SELECT_ID_BY_ALIAS = sql('SELECT id FROM virtual_keys WHERE key_alias = ?');
const DELETE_BY_ID = sql('DELETE FROM virtual_keys WHERE id = ?');
const UPDATE_SECRET = sql('UPDATE virtual_keys SET key_hash = ?, key_last4 = ?, updated_at = ? WHERE id = ?');
const INSERT = sql(
  `INSERT INTO virtual_keys (id, key_hash, key_last4, key_alias, models, max_budget_micros, budget_duration, budget_reset_at,
     rpm_limit, tpm_limit, max_parallel_requests, expires_at, blocked, metadata, team_id, user_id, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
type ListFilter = 'key_alias' | 'team_id' | 'user_id';
/** Per set of filters used: the count and the page, defined the first time that set is seen. */
const listStatements = new Map<string, { count: SqlStatement; page: SqlStatement }>();
function listStatementsFor(filters: readonly ListFilter[]): { count: SqlStatement; page: SqlStatement } {
  const cacheKey = filters.join(',');
  let statements = listStatements.get(cacheKey);
  if (statements === undefined) {
    // Column names come from ListFilter's fixed set, never from the request.
    const where = filters.length === 0 ? '' : ` WHERE ${filters.map((f) => `${f} = ?`).join(' AND ')}`;
    statements = {
      count: sql(`SELECT count(*) AS n FROM virtual_keys${where}`),
      page: sql(`SELECT ${COLUMNS} FROM virtual_keys${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`),
    };
    listStatements.set(cacheKey, statements);
  }
  return statements;
}

const updateStatementFor = columnUpdateStatements<UpdatableColumn>('virtual_keys');

// Forward only: batches flushed out of order (or by two replicas) never move last_active back.
const MARK_USED = sql('UPDATE virtual_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)');

/** Stamps a key's last_used_at (LiteLLM's last_active), as a step of the caller's unit of work on either engine. */
export function* markKeyUsed(keyId: string, at: number): Generator<StorageQuery, void, unknown> {
  yield* run(MARK_USED, [at, keyId, at]);
}

function* resolveId(ref: string): Generator<StorageQuery, string | null, unknown> {
  if (typeof ref !== 'string') return null;
  if (ref.startsWith('key_')) return (yield* get<{ id: string }>(SELECT_BY_ID, [ref]))?.id ?? null;
  if (ref.startsWith(KEY_PREFIX)) return (yield* get<{ id: string }>(SELECT_BY_HASH, [hashKey(ref)]))?.id ?? null;
  return null;
}

function* requireId(ref: string): Generator<StorageQuery, string, unknown> {
  const id = yield* resolveId(ref);
  if (id === null) throw new KeyError('key_not_found', `No key matches ${describeRef(ref)}.`, 'key');
  return id;
}

function* load(id: string): Generator<StorageQuery, VirtualKeyRecord, unknown> {
  const row = yield* get<KeyRow>(SELECT_BY_ID, [id]);
  if (row === undefined) throw new KeyError('key_not_found', `No key with id ${id}.`, 'key');
  return toRecord(row);
}

/**
 * A key's owners must exist and, when its team restricts models, the key's own models must fit in
 * them (an empty key list means "the team's models"). Runs after the write, inside its unit: a
 * refusal rolls the write back on both engines.
 */
function* checkOwners(record: VirtualKeyRecord): Generator<StorageQuery, void, unknown> {
  if (record.userId !== null && (yield* findUser(record.userId)) === null) {
    throw new KeyError('invalid_key_input', `user_id: no user ${shownId(record.userId)}; create it with /user/new first.`, 'user_id');
  }
  if (record.teamId === null) return;
  const team = yield* findTeam(record.teamId);
  if (team === null) throw new KeyError('invalid_key_input', `team_id: no team ${shownId(record.teamId)}; create it with /team/new first.`, 'team_id');
  if (team.models.length === 0) return;
  const outside = record.models.filter((model) => !keyAllowsModel(team.models, model));
  if (outside.length > 0) {
    throw new KeyError('invalid_key_input', `models: ${outside.map((m) => JSON.stringify(m)).join(', ')} not in team ${team.id}'s models (${team.models.map((m) => JSON.stringify(m)).join(', ')}).`, 'models');
  }
}

const createKey = writeUnit(function* (fields: KeyFields, now: number) {
  const values: ColumnValues = {
    key_alias: null, models: '[]', max_budget_micros: null, budget_duration: null, budget_reset_at: null, rpm_limit: null,
    tpm_limit: null, max_parallel_requests: null, expires_at: null, blocked: 0, metadata: '{}', team_id: null, user_id: null,
    ...toColumns(fields, now),
  };
  const key = generateKeySecret();
  const id = generateKeyId();
  yield* run(INSERT, [
    id, hashKey(key), keyLast4(key), values.key_alias, values.models, values.max_budget_micros, values.budget_duration, values.budget_reset_at,
    values.rpm_limit, values.tpm_limit, values.max_parallel_requests, values.expires_at, values.blocked, values.metadata, values.team_id, values.user_id, now, now,
  ]);
  const record = yield* load(id);
  if (record.teamId !== null || record.userId !== null) yield* checkOwners(record);
  return { key, record };
});

const updateKey = writeUnit(function* (ref: string, fields: KeyFields, now: number) {
  const id = yield* requireId(ref);
  const values = toColumns(fields, now);
  const columns = (Object.keys(values) as UpdatableColumn[]).sort();
  if (columns.length > 0) yield* run(updateStatementFor(columns), [...columns.map((c) => values[c]), now, id]);
  const record = yield* load(id);
  // A new owner, or new models under an existing team, are checked; other updates need no lookup.
  if (values.team_id !== undefined || values.user_id !== undefined || (values.models !== undefined && record.teamId !== null)) yield* checkOwners(record);
  return record;
});

const deleteKeys = writeUnit(function* (input: { keys?: string[]; key_aliases?: string[] }) {
  const deletedIds: string[] = [];
  const notFound: string[] = [];
  const ids = new Set<string>();
  for (const ref of asStringArray(input.keys, 'keys')) {
    const id = yield* resolveId(ref);
    if (id === null) notFound.push(describeRef(ref));
    else ids.add(id);
  }
  for (const alias of asStringArray(input.key_aliases, 'key_aliases')) {
    const id = (yield* get<{ id: string }>(SELECT_ID_BY_ALIAS, [alias]))?.id;
    if (id === undefined) notFound.push(alias);
    else ids.add(id);
  }
  // Their requests in flight hold budget at the keys' team, member or user: freed first.
  yield* releaseDeletedKeyHolds(ids);
  for (const id of ids) if ((yield* run(DELETE_BY_ID, [id])).changes === 1) deletedIds.push(id);
  return { deletedIds, notFound };
});

const regenerateKey = writeUnit(function* (ref: string, now: number) {
  const id = yield* requireId(ref);
  const key = generateKeySecret();
  yield* run(UPDATE_SECRET, [hashKey(key), keyLast4(key), now, id]);
  return { key, record: yield* load(id) };
});

const keyInfo = readUnit(function* (ref: string) {
  const id = yield* resolveId(ref);
  return id === null ? null : yield* load(id);
});

const keyByHash = readUnit(function* (keyHash: string) {
  const row = yield* get<KeyRow>(SELECT_BY_HASH, [keyHash]);
  if (row === undefined) return null;
  // Two fields added to the record, not a copy of it: this runs at every key cache miss.
  const record = toRecord(row) as AdmissionKeyRecord;
  record.team = null;
  record.user = null;
  if (row.team_id === null && row.user_id === null) return record;
  const owners = yield* get<OwnerLimitsRow>(SELECT_OWNER_LIMITS, [row.team_id, row.user_id]);
  if (owners !== undefined) addOwnerLimits(record, owners);
  return record;
});

const listKeys = readUnit(function* (options: KeyListOptions) {
  const page = positiveInt(options.page ?? 1, 'page');
  const pageSize = Math.min(positiveInt(options.pageSize ?? 50, 'page_size'), MAX_KEY_LIST_PAGE_SIZE);
  const offset = (page - 1) * pageSize;
  const filters: ListFilter[] = [];
  const params: string[] = [];
  if (options.keyAlias !== undefined) filters.push('key_alias'), params.push(options.keyAlias);
  if (options.teamId !== undefined) filters.push('team_id'), params.push(options.teamId);
  if (options.userId !== undefined) filters.push('user_id'), params.push(options.userId);
  const statements = listStatementsFor(filters);
  const total = (yield* get<{ n: number }>(statements.count, params))!.n;
  const rows = yield* all<KeyRow>(statements.page, [...params, pageSize, offset]);
  return { keys: rows.map(toRecord), total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
});

const resetDue = writeUnit(resetAllDueBudgets);

export function createKeyRepository<C extends StorageConnection>(connection: C, clock: Clock): KeyStore<ModeOf<C>> {
  const listeners = new Set<(change: KeyChange) => void>();
  const create = bindUnit(connection, createKey);
  const update = bindUnit(connection, updateKey);
  const remove = bindUnit(connection, deleteKeys);
  const regenerate = bindUnit(connection, regenerateKey);
  const info = bindUnit(connection, keyInfo);
  const byHash = bindUnit(connection, keyByHash);
  const list = bindUnit(connection, listKeys);
  const reset = bindUnit(connection, resetDue);

  function emit(type: KeyChangeType, keyId: string): void {
    for (const listener of listeners) listener({ type, keyId });
  }

  const store: KeyStore<CallMode> = {
    create: (fields = {}) => committed(() => create(fields, clock.now()), (created) => emit('created', created.record.id), aliasTaken),
    update: (ref, fields) => committed(() => update(ref, fields, clock.now()), (record) => emit('updated', record.id), aliasTaken),
    delete: (input) => committed(() => remove(input), (result) => result.deletedIds.forEach((id) => emit('deleted', id)), aliasTaken),
    info: (ref) => info(ref),
    findByHash: (keyHash) => byHash(keyHash),
    list: (options = {}) => list(options),
    regenerate: (ref) => committed(() => regenerate(ref, clock.now()), (regenerated) => emit('regenerated', regenerated.record.id), aliasTaken),
    block: (ref) => committed(() => update(ref, { blocked: true }, clock.now()), (record) => emit('updated', record.id), aliasTaken),
    unblock: (ref) => committed(() => update(ref, { blocked: false }, clock.now()), (record) => emit('updated', record.id), aliasTaken),
    resetDueBudgets: () => committed(() => reset(clock.now()), (ids) => ids.forEach((id) => emit('budget_reset', id)), aliasTaken),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announce: (change) => emit(change.type, change.keyId),
  };
  return store as KeyStore<ModeOf<C>>;
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's unique_violation (23505) on key_alias. */
function aliasTaken(error: unknown): unknown {
  const code = sqliteCodeOf(error);
  if ((code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') && error instanceof Error && error.message.includes('key_alias')) {
    return new KeyError('key_alias_taken', 'Another key already has this key_alias; aliases name one app each.', 'key_alias');
  }
  return error;
}

function toRecord(row: KeyRow): VirtualKeyRecord {
  const key = decodeVirtualKeyRow(row);
  return {
    id: key.id,
    keyLast4: key.key_last4,
    keyAlias: key.key_alias,
    models: key.models,
    maxBudgetMicros: key.max_budget_micros,
    budgetDuration: key.budget_duration,
    budgetResetAt: key.budget_reset_at,
    spendMicros: key.spend_micros,
    reservedMicros: key.reserved_micros,
    rpmLimit: key.rpm_limit,
    tpmLimit: key.tpm_limit,
    maxParallelRequests: key.max_parallel_requests,
    expiresAt: key.expires_at,
    blocked: key.blocked,
    metadata: key.metadata,
    createdAt: key.created_at,
    updatedAt: key.updated_at,
    lastUsedAt: key.last_used_at,
    teamId: row.team_id,
    userId: row.user_id,
  };
}

interface OwnerLimitsRow {
  team_found: string | null;
  team_alias: string | null;
  team_models: string | null;
  team_rpm_limit: number | null;
  team_tpm_limit: number | null;
  team_blocked: number | null;
  user_found: string | null;
  user_email: string | null;
  user_models: string | null;
}

/** A team or user that no longer exists (a key restored from an old backup) limits nothing. */
function addOwnerLimits(record: AdmissionKeyRecord, row: OwnerLimitsRow): void {
  if (row.team_found !== null) {
    record.team = {
      id: row.team_found,
      teamAlias: row.team_alias,
      models: JSON.parse(row.team_models ?? '[]') as string[],
      rpmLimit: row.team_rpm_limit,
      tpmLimit: row.team_tpm_limit,
      blocked: Number(row.team_blocked) === 1,
    };
  }
  if (row.user_found !== null) record.user = { id: row.user_found, userEmail: row.user_email, models: JSON.parse(row.user_models ?? '[]') as string[] };
}

/** How a ref is named in messages: never echo a plaintext key back, only its mask. */
function describeRef(ref: unknown): string {
  if (typeof ref !== 'string') return 'an invalid key reference';
  if (ref.startsWith(KEY_PREFIX)) return maskKey(keyLast4(ref));
  if (ref.startsWith('key_') && ref.length <= 64) return ref;
  return 'the given key';
}

/** Validates LiteLLM fields and turns them into column values (money to micros, durations to times). */
function toColumns(fields: KeyFields, now: number): ColumnValues {
  if (typeof fields !== 'object' || fields === null) throw new KeyError('invalid_key_input', 'Key fields must be an object.');
  const values: ColumnValues = {};
  if (fields.key_alias !== undefined) {
    if (fields.key_alias !== null && (typeof fields.key_alias !== 'string' || fields.key_alias.length === 0 || fields.key_alias.length > MAX_KEY_ALIAS_LENGTH)) {
      throw new KeyError('invalid_key_input', `key_alias must be a non-empty string of at most ${MAX_KEY_ALIAS_LENGTH} characters, or null.`, 'key_alias');
    }
    values.key_alias = fields.key_alias;
  }
  if (fields.models !== undefined) {
    const models = fields.models;
    if (!Array.isArray(models) || models.length > MAX_KEY_MODELS || models.some((m) => typeof m !== 'string' || m.length === 0 || m.length > MAX_KEY_MODEL_NAME_LENGTH)) {
      throw new KeyError('invalid_key_input', `models must be a list of at most ${MAX_KEY_MODELS} model names (empty means all models).`, 'models');
    }
    values.models = JSON.stringify([...new Set(models)]);
  }
  if (fields.max_budget !== undefined) {
    const usd = fields.max_budget;
    if (usd !== null && (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0 || usd > MAX_BUDGET_USD)) {
      throw new KeyError('invalid_key_input', 'max_budget must be a number of US dollars, 0 or more, or null for no budget.', 'max_budget');
    }
    values.max_budget_micros = usd === null ? null : Math.round(usd * 1_000_000);
  }
  if (fields.budget_duration !== undefined) {
    if (fields.budget_duration === null) {
      values.budget_duration = null;
      values.budget_reset_at = null;
    } else {
      if (typeof fields.budget_duration !== 'string') throw new KeyError('invalid_key_input', 'budget_duration must be a string like 30d.', 'budget_duration');
      const duration = parseDuration(fields.budget_duration, 'budget_duration');
      values.budget_duration = `${duration.count}${duration.unit}`;
      values.budget_reset_at = addDuration(now, duration);
    }
  }
  for (const name of ['rpm_limit', 'tpm_limit', 'max_parallel_requests'] as const) {
    const value = fields[name];
    if (value === undefined) continue;
    if (value !== null && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)) {
      throw new KeyError('invalid_key_input', `${name} must be a whole number, 0 or more, or null for no limit.`, name);
    }
    values[name] = value;
  }
  if (fields.duration !== undefined || fields.expires !== undefined) {
    const { duration, expires } = fields;
    if (typeof duration === 'string' && typeof expires === 'string') {
      throw new KeyError('invalid_key_input', 'Give either duration or expires, not both.', 'duration');
    }
    if (typeof duration === 'string') {
      values.expires_at = addDuration(now, parseDuration(duration, 'duration'));
    } else if (typeof expires === 'string') {
      const at = Date.parse(expires);
      if (!Number.isFinite(at)) throw new KeyError('invalid_key_input', 'expires must be an ISO 8601 date-time, or null.', 'expires');
      // A key that is already expired could never be used: almost always a typo in the date.
      if (at <= now) throw new KeyError('invalid_key_input', 'expires is in the past: give a future date-time, or null for a key that never expires.', 'expires');
      values.expires_at = at;
    } else if ((duration === null || duration === undefined) && (expires === null || expires === undefined)) {
      values.expires_at = null;
    } else {
      throw new KeyError('invalid_key_input', 'duration must be a string like 30d (or null), expires an ISO 8601 date-time (or null).', duration === undefined ? 'expires' : 'duration');
    }
  }
  if (fields.metadata !== undefined) {
    const metadata = fields.metadata;
    const json = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? JSON.stringify(metadata) : undefined;
    if (json === undefined || json.length > MAX_METADATA_JSON) {
      throw new KeyError('invalid_key_input', `metadata must be a JSON object of at most ${MAX_METADATA_JSON} bytes.`, 'metadata');
    }
    values.metadata = json;
  }
  if (fields.blocked !== undefined) {
    if (typeof fields.blocked !== 'boolean') throw new KeyError('invalid_key_input', 'blocked must be true or false.', 'blocked');
    values.blocked = fields.blocked ? 1 : 0;
  }
  for (const owner of ['team_id', 'user_id'] as const) {
    const value = fields[owner];
    if (value === undefined) continue;
    if (value !== null && (typeof value !== 'string' || value.length === 0 || value.length > 256)) {
      throw new KeyError('invalid_key_input', `${owner} must be a non-empty string of at most 256 characters, or null.`, owner);
    }
    values[owner] = value;
  }
  return values;
}

function asStringArray(value: unknown, param: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new KeyError('invalid_key_input', `${param} must be a list of strings.`, param);
  }
  return value as string[];
}

function positiveInt(value: number, param: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new KeyError('invalid_key_input', `${param} must be a whole number, 1 or more.`, param);
  return value;
}
