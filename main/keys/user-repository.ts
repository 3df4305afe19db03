// User repository: create, update, delete, read and list users (LiteLLM's internal users), with
// LiteLLM's field names on the way in. One definition for both engines (docs/storage-engines.md):
// synchronous on SQLite, Promise-returning on PostgreSQL. Deleting a user deletes the keys it owns
// and its team memberships in the same transaction, as LiteLLM's /user/delete does. Budgets are
// stored here; enforcing them is issue 17 item 3's (not done yet).
import { randomUUID } from 'node:crypto';
import { deleteUserKeys } from '../keys/key-ownership.js';
import type { KeyChange } from '../keys/key-repository.js';
import type { Clock } from '../storage/clock.js';
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import { columnUpdateStatements } from '../storage/column-update-statements.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { budgetMicros, budgetPeriod, metadataColumn, modelsColumn } from './owner-columns.js';
import { TeamError } from './team-error.js';
import { shownId } from './shown-id.js';
import { committed } from './committed.js';
import { USER_ROLES, type UserRole } from '../../shared/api/user-schemas.js';

export interface UserRecord {
  id: string;
  userEmail: string | null;
  userRole: UserRole;
  maxBudgetMicros: number | null;
  budgetDuration: string | null;
  budgetResetAt: number | null;
  spendMicros: number;
  reservedMicros: number;
  /** Allowed model names or patterns; empty means every model. */
  models: string[];
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** LiteLLM's /user/new and /user/update fields. In an update, absent = unchanged, null clears. */
export interface UserFields {
  user_email?: string | null;
  user_role?: UserRole;
  /** USD. */
  max_budget?: number | null;
  budget_duration?: string | null;
  models?: string[];
  metadata?: Record<string, unknown>;
}

export interface UserListPage {
  users: UserRecord[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
}

export type UserChangeType = 'created' | 'updated' | 'deleted';
export interface UserChange {
  type: UserChangeType;
  userId: string;
}

export interface UserStore<M extends CallMode> {
  /** `user_id` defaults to a new UUID (LiteLLM's default). Throws TeamError('user_exists') for a taken id or email. */
  create(fields?: UserFields & { user_id?: string }): Returns<M, UserRecord>;
  /** By id, or by email when no id is given (LiteLLM's /user/update). Throws TeamError('user_not_found'). */
  update(ref: { user_id?: string; user_email?: string }, fields: UserFields): Returns<M, UserRecord>;
  /** Deletes the users with their keys and memberships; unknown ids are reported, not thrown. */
  delete(userIds: readonly string[]): Returns<M, { deletedUserIds: string[]; deletedKeyIds: string[]; notFound: string[] }>;
  info(userId: string): Returns<M, UserRecord | null>;
  list(options?: { page?: number; pageSize?: number; role?: UserRole }): Returns<M, UserListPage>;
  onChange(listener: (change: UserChange) => void): () => void;
}

export type UserRepository = UserStore<'sync'>;
export type AsyncUserRepository = UserStore<'async'>;

export const MAX_USER_LIST_PAGE_SIZE = 100;

interface UserRow {
  id: string;
  user_email: string | null;
  user_role: string;
  max_budget_micros: number | null;
  budget_duration: string | null;
  budget_reset_at: number | null;
  spend_micros: number;
  reserved_micros: number;
  models: string;
  metadata: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, user_email, user_role, max_budget_micros, budget_duration, budget_reset_at, spend_micros, reserved_micros, models, metadata, created_at, updated_at';
type UpdatableColumn = 'user_email' | 'user_role' | 'max_budget_micros' | 'budget_duration' | 'budget_reset_at' | 'models' | 'metadata';
type ColumnValues = Partial<Record<UpdatableColumn, string | number | null>>;

const SELECT_BY_ID = sql(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
const SELECT_BY_EMAIL = sql(`SELECT ${COLUMNS} FROM users WHERE user_email = ?`);
const INSERT = sql(
  `INSERT INTO users (id, user_email, user_role, max_budget_micros, budget_duration, budget_reset_at, models, metadata, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const DELETE_BY_ID = sql('DELETE FROM users WHERE id = ?');
const COUNT_ALL = sql('SELECT count(*) AS n FROM users');
const COUNT_BY_ROLE = sql('SELECT count(*) AS n FROM users WHERE user_role = ?');
const PAGE_ALL = sql(`SELECT ${COLUMNS} FROM users ORDER BY created_at DESC, id LIMIT ? OFFSET ?`);
const PAGE_BY_ROLE = sql(`SELECT ${COLUMNS} FROM users WHERE user_role = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?`);

const updateStatementFor = columnUpdateStatements<UpdatableColumn>('users');

/** A user by id, as a step of any unit (the team repository's member_add, the key repository's owner check). */
export function* findUser(userId: string): Generator<StorageQuery, UserRecord | null, unknown> {
  const row = yield* get<UserRow>(SELECT_BY_ID, [userId]);
  return row === undefined ? null : toRecord(row);
}

export function* findUserByEmail(email: string): Generator<StorageQuery, UserRecord | null, unknown> {
  const row = yield* get<UserRow>(SELECT_BY_EMAIL, [email]);
  return row === undefined ? null : toRecord(row);
}

/** Inserts a user after checking id and email are free, as a step of the caller's unit. */
export function* insertUser(fields: UserFields & { user_id?: string }, now: number): Generator<StorageQuery, UserRecord, unknown> {
  const id = fields.user_id ?? randomUUID();
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) throw new TeamError('invalid_input', 'user_id must be a non-empty string of at most 256 characters.', 'user_id');
  const values: ColumnValues = { user_email: null, user_role: 'internal_user', max_budget_micros: null, budget_duration: null, budget_reset_at: null, models: '[]', metadata: '{}', ...toColumns(fields, now) };
  if ((yield* get(SELECT_BY_ID, [id])) !== undefined) throw new TeamError('user_exists', `A user with user_id ${shownId(id)} already exists.`, 'user_id');
  if (typeof values.user_email === 'string' && (yield* get(SELECT_BY_EMAIL, [values.user_email])) !== undefined) {
    throw new TeamError('user_exists', `A user with user_email ${shownId(values.user_email)} already exists.`, 'user_email');
  }
  yield* run(INSERT, [id, values.user_email, values.user_role, values.max_budget_micros, values.budget_duration, values.budget_reset_at, values.models, values.metadata, now, now]);
  return (yield* findUser(id))!;
}

const createUser = writeUnit(function* (fields: UserFields & { user_id?: string }, now: number) {
  return yield* insertUser(fields, now);
});

const updateUser = writeUnit(function* (ref: { user_id?: string; user_email?: string }, fields: UserFields, now: number) {
  const user = ref.user_id !== undefined ? yield* findUser(ref.user_id) : ref.user_email !== undefined ? yield* findUserByEmail(ref.user_email) : null;
  if (user === null) {
    if (ref.user_id === undefined && ref.user_email === undefined) throw new TeamError('invalid_input', 'Send user_id or user_email to name the user.', 'user_id');
    throw new TeamError('user_not_found', `No user with ${ref.user_id !== undefined ? `user_id ${shownId(ref.user_id)}` : `user_email ${shownId(ref.user_email ?? '')}`}.`, ref.user_id !== undefined ? 'user_id' : 'user_email');
  }
  const values = toColumns(fields, now);
  if (typeof values.user_email === 'string' && values.user_email !== user.userEmail && (yield* get(SELECT_BY_EMAIL, [values.user_email])) !== undefined) {
    throw new TeamError('user_exists', `A user with user_email ${shownId(values.user_email)} already exists.`, 'user_email');
  }
  const columns = (Object.keys(values) as UpdatableColumn[]).sort();
  if (columns.length > 0) yield* run(updateStatementFor(columns), [...columns.map((c) => values[c]), now, user.id]);
  return (yield* findUser(user.id))!;
});

const deleteUsers = writeUnit(function* (userIds: readonly string[]) {
  const deletedUserIds: string[] = [];
  const deletedKeyIds: string[] = [];
  const notFound: string[] = [];
  for (const id of new Set(userIds)) {
    // Keys first: they name the user, and memberships go with the user row (ON DELETE CASCADE).
    const keys = yield* deleteUserKeys(id);
    if ((yield* run(DELETE_BY_ID, [id])).changes === 1) deletedUserIds.push(id);
    else notFound.push(id);
    deletedKeyIds.push(...keys);
  }
  return { deletedUserIds, deletedKeyIds, notFound };
});

const userInfo = readUnit(findUser);

const listUsers = readUnit(function* (options: { page?: number; pageSize?: number; role?: UserRole }) {
  const page = positiveInt(options.page ?? 1, 'page');
  const pageSize = Math.min(positiveInt(options.pageSize ?? 50, 'page_size'), MAX_USER_LIST_PAGE_SIZE);
  const offset = (page - 1) * pageSize;
  const role = options.role;
  const total = (role === undefined ? yield* get<{ n: number }>(COUNT_ALL) : yield* get<{ n: number }>(COUNT_BY_ROLE, [role]))!.n;
  const rows = role === undefined ? yield* all<UserRow>(PAGE_ALL, [pageSize, offset]) : yield* all<UserRow>(PAGE_BY_ROLE, [role, pageSize, offset]);
  return { users: rows.map(toRecord), total: Number(total), page, pageSize, totalPages: Math.ceil(Number(total) / pageSize) };
});

/**
 * `keys` is told which keys a /user/delete removed, so its listeners (the key verifier's cache)
 * forget them on SQLite; on PostgreSQL the change feed's trigger tells the other replicas.
 */
export function createUserRepository<C extends StorageConnection>(connection: C, clock: Clock, deps: { keys?: { announce(change: KeyChange): void } } = {}): UserStore<ModeOf<C>> {
  const listeners = new Set<(change: UserChange) => void>();
  const create = bindUnit(connection, createUser);
  const update = bindUnit(connection, updateUser);
  const remove = bindUnit(connection, deleteUsers);
  const info = bindUnit(connection, userInfo);
  const list = bindUnit(connection, listUsers);
  const emit = (type: UserChangeType, userId: string) => {
    for (const listener of listeners) listener({ type, userId });
  };
  const store: UserStore<CallMode> = {
    create: (fields = {}) => committed(() => create(fields, clock.now()), (user) => emit('created', user.id)),
    update: (ref, fields) => committed(() => update(ref, fields, clock.now()), (user) => emit('updated', user.id)),
    delete: (userIds) => committed(() => remove(userIds), (result) => {
      result.deletedKeyIds.forEach((keyId) => deps.keys?.announce({ type: 'deleted', keyId }));
      result.deletedUserIds.forEach((id) => emit('deleted', id));
    }),
    info: (userId) => info(userId),
    list: (options = {}) => list(options),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store as UserStore<ModeOf<C>>;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    userEmail: row.user_email,
    userRole: row.user_role as UserRole,
    maxBudgetMicros: row.max_budget_micros,
    budgetDuration: row.budget_duration,
    budgetResetAt: row.budget_reset_at,
    spendMicros: row.spend_micros,
    reservedMicros: row.reserved_micros,
    models: JSON.parse(row.models) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(fields: UserFields, now: number): ColumnValues {
  if (typeof fields !== 'object' || fields === null) throw new TeamError('invalid_input', 'User fields must be an object.');
  const values: ColumnValues = {};
  if (fields.user_email !== undefined) {
    const email = fields.user_email;
    if (email !== null && (typeof email !== 'string' || email.length === 0 || email.length > 320)) throw new TeamError('invalid_input', 'user_email must be a non-empty string of at most 320 characters, or null.', 'user_email');
    values.user_email = email;
  }
  if (fields.user_role !== undefined) {
    if (!USER_ROLES.includes(fields.user_role)) throw new TeamError('invalid_input', `user_role must be one of ${USER_ROLES.join(', ')}.`, 'user_role');
    values.user_role = fields.user_role;
  }
  if (fields.max_budget !== undefined) values.max_budget_micros = budgetMicros(fields.max_budget, 'max_budget');
  if (fields.budget_duration !== undefined) Object.assign(values, budgetPeriod(fields.budget_duration, now));
  if (fields.models !== undefined) values.models = modelsColumn(fields.models);
  if (fields.metadata !== undefined) values.metadata = metadataColumn(fields.metadata);
  return values;
}

function positiveInt(value: number, param: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TeamError('invalid_input', `${param} must be a whole number, 1 or more.`, param);
  return value;
}
