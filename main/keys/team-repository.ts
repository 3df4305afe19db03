// Team repository: teams and their memberships (LiteLLM's /team/* and /team/member_*), with
// LiteLLM's field names on the way in. One definition for both engines (docs/storage-engines.md):
// synchronous on SQLite, Promise-returning on PostgreSQL. Adding a member who is not a user yet
// creates the user (LiteLLM does the same); deleting a team deletes its keys and memberships in the
// same transaction (LiteLLM's /team/delete "delete team and associated team keys"). Budgets, limits
// and `blocked` are stored here; the budget ledger (main/metering/owner-budget-ledger.ts) enforces
// the budgets at admission; the key lookup reads `blocked`, rpm/tpm and models with each key
// (key-repository.ts findByHash), so every change here is announced to the key cache (onChange).
import { randomUUID } from 'node:crypto';
import { deleteTeamKeys } from '../keys/key-ownership.js';
import type { KeyChange } from '../keys/key-repository.js';
import type { Clock } from '../storage/clock.js';
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import { columnUpdateStatements } from '../storage/column-update-statements.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit, run, writeUnit, type StorageQuery } from '../storage/storage-unit.js';
import { findUser, findUserByEmail, insertUser } from './user-repository.js';
import { committed } from './committed.js';
import { budgetMicros, budgetPeriod, limitColumn, metadataColumn, modelsColumn } from './owner-columns.js';
import { TeamError } from './team-error.js';
import { shownId } from './shown-id.js';

/** A member's role in a team; LiteLLM's wire name for 'member' is 'user'. */
export type TeamRole = 'admin' | 'member';

export interface TeamMember {
  userId: string;
  userEmail: string | null;
  role: TeamRole;
  /** Overrides the team's teamMemberBudgetMicros for this member; null = the team's default. */
  maxBudgetInTeamMicros: number | null;
  /** Money this member spent through this team's keys. */
  spendMicros: number;
  reservedMicros: number;
  createdAt: number;
}

export interface TeamRecord {
  id: string;
  teamAlias: string | null;
  /** Allowed model names or patterns; empty means every model. A team key's models must fit in them. */
  models: string[];
  maxBudgetMicros: number | null;
  softBudgetMicros: number | null;
  budgetDuration: string | null;
  budgetResetAt: number | null;
  spendMicros: number;
  reservedMicros: number;
  tpmLimit: number | null;
  rpmLimit: number | null;
  /** Each member's default budget in this team. */
  teamMemberBudgetMicros: number | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
  createdAt: number;
  updatedAt: number;
  /** Oldest membership first; members added together by user id. */
  members: TeamMember[];
}

/** LiteLLM's /team/new and /team/update fields. In an update, absent = unchanged, null clears. */
export interface TeamFields {
  team_alias?: string | null;
  models?: string[];
  /** USD, like every budget field here. */
  max_budget?: number | null;
  soft_budget?: number | null;
  budget_duration?: string | null;
  tpm_limit?: number | null;
  rpm_limit?: number | null;
  team_member_budget?: number | null;
  metadata?: Record<string, unknown>;
  blocked?: boolean;
}

/** A member named by user id or email; a user that does not exist yet is created. */
export interface MemberInput {
  user_id?: string;
  user_email?: string;
  role?: TeamRole;
}

export type TeamChangeType = 'created' | 'updated' | 'deleted' | 'members_changed';
export interface TeamChange {
  type: TeamChangeType;
  teamId: string;
}

export interface TeamStore<M extends CallMode> {
  /** `team_id` defaults to a new UUID. Members given are added (users created as needed). */
  create(fields?: TeamFields & { team_id?: string; members?: MemberInput[] }): Returns<M, TeamRecord>;
  /** Throws TeamError('team_not_found'). */
  update(teamId: string, fields: TeamFields): Returns<M, TeamRecord>;
  /** All or nothing: an unknown id throws TeamError('team_not_found') and deletes nothing. */
  delete(teamIds: readonly string[]): Returns<M, { deletedTeamIds: string[]; deletedKeyIds: string[] }>;
  info(teamId: string): Returns<M, TeamRecord | null>;
  /** Every team, or the teams a user is a member of. */
  list(options?: { userId?: string }): Returns<M, TeamRecord[]>;
  block(teamId: string): Returns<M, TeamRecord>;
  unblock(teamId: string): Returns<M, TeamRecord>;
  /** Adds members; `createdUserIds` are the users made on the way. Throws 'member_exists' for a member already in. */
  addMembers(teamId: string, members: readonly MemberInput[], options?: { maxBudgetInTeam?: number | null }): Returns<M, { team: TeamRecord; createdUserIds: string[]; addedUserIds: string[] }>;
  /** Changes a member's role or in-team budget (absent = unchanged, null clears the override). */
  updateMember(teamId: string, member: { user_id?: string; user_email?: string }, changes: { role?: TeamRole; maxBudgetInTeam?: number | null }): Returns<M, TeamMember>;
  /** Removes a member (its keys stay, as in LiteLLM). Throws 'member_not_found'. */
  removeMember(teamId: string, member: { user_id?: string; user_email?: string }): Returns<M, TeamRecord>;
  onChange(listener: (change: TeamChange) => void): () => void;
}

export type TeamRepository = TeamStore<'sync'>;
export type AsyncTeamRepository = TeamStore<'async'>;

interface TeamRow {
  id: string;
  team_alias: string | null;
  models: string;
  max_budget_micros: number | null;
  soft_budget_micros: number | null;
  budget_duration: string | null;
  budget_reset_at: number | null;
  spend_micros: number;
  reserved_micros: number;
  tpm_limit: number | null;
  rpm_limit: number | null;
  team_member_budget_micros: number | null;
  metadata: string;
  blocked: number;
  created_at: number;
  updated_at: number;
}

interface MemberRow {
  team_id: string;
  user_id: string;
  user_email: string | null;
  role: TeamRole;
  max_budget_in_team_micros: number | null;
  spend_micros: number;
  reserved_micros: number;
  created_at: number;
}

const COLUMNS = 'id, team_alias, models, max_budget_micros, soft_budget_micros, budget_duration, budget_reset_at, spend_micros, reserved_micros, tpm_limit, rpm_limit, team_member_budget_micros, metadata, blocked, created_at, updated_at';
type UpdatableColumn = 'team_alias' | 'models' | 'max_budget_micros' | 'soft_budget_micros' | 'budget_duration' | 'budget_reset_at' | 'tpm_limit' | 'rpm_limit' | 'team_member_budget_micros' | 'metadata' | 'blocked';
type ColumnValues = Partial<Record<UpdatableColumn, string | number | null>>;

const MEMBER_COLUMNS = 'm.team_id, m.user_id, u.user_email, m.role, m.max_budget_in_team_micros, m.spend_micros, m.reserved_micros, m.created_at';
const SELECT_BY_ID = sql(`SELECT ${COLUMNS} FROM teams WHERE id = ?`);
const SELECT_ALL = sql(`SELECT ${COLUMNS} FROM teams ORDER BY created_at, id`);
const SELECT_OF_USER = sql(`SELECT ${COLUMNS} FROM teams WHERE id IN (SELECT team_id FROM team_memberships WHERE user_id = ?) ORDER BY created_at, id`);
const INSERT = sql(
  `INSERT INTO teams (id, team_alias, models, max_budget_micros, soft_budget_micros, budget_duration, budget_reset_at, tpm_limit, rpm_limit,
     team_member_budget_micros, metadata, blocked, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const DELETE_BY_ID = sql('DELETE FROM teams WHERE id = ?');
const MEMBERS_OF_TEAM = sql(`SELECT ${MEMBER_COLUMNS} FROM team_memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY m.created_at, m.user_id`);
const MEMBERS_OF_ALL = sql(`SELECT ${MEMBER_COLUMNS} FROM team_memberships m JOIN users u ON u.id = m.user_id ORDER BY m.created_at, m.user_id`);
const MEMBER = sql(`SELECT ${MEMBER_COLUMNS} FROM team_memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? AND m.user_id = ?`);
const INSERT_MEMBER = sql('INSERT INTO team_memberships (team_id, user_id, role, max_budget_in_team_micros, created_at) VALUES (?, ?, ?, ?, ?)');
const DELETE_MEMBER = sql('DELETE FROM team_memberships WHERE team_id = ? AND user_id = ?');
const UPDATE_MEMBER_ROLE = sql('UPDATE team_memberships SET role = ? WHERE team_id = ? AND user_id = ?');
const UPDATE_MEMBER_BUDGET = sql('UPDATE team_memberships SET max_budget_in_team_micros = ? WHERE team_id = ? AND user_id = ?');
const TOUCH = sql('UPDATE teams SET updated_at = ? WHERE id = ?');

const updateStatementFor = columnUpdateStatements<UpdatableColumn>('teams');

/** A team with its members, as a step of any unit (the key repository checks a key's team with it). */
export function* findTeam(teamId: string): Generator<StorageQuery, TeamRecord | null, unknown> {
  const row = yield* get<TeamRow>(SELECT_BY_ID, [teamId]);
  if (row === undefined) return null;
  return toRecord(row, yield* all<MemberRow>(MEMBERS_OF_TEAM, [teamId]));
}

function* requireTeam(teamId: string): Generator<StorageQuery, TeamRecord, unknown> {
  const team = yield* findTeam(teamId);
  if (team === null) throw new TeamError('team_not_found', `No team with team_id ${shownId(teamId)}.`, 'team_id');
  return team;
}

/** The user a member input names, created when it does not exist (LiteLLM's member_add). */
function* resolveMemberUser(member: MemberInput, now: number, create: boolean): Generator<StorageQuery, { id: string; created: boolean } | null, unknown> {
  if (member.user_id === undefined && member.user_email === undefined) throw new TeamError('invalid_input', 'A member needs a user_id or a user_email.', 'member');
  if (member.user_id !== undefined) {
    const user = yield* findUser(member.user_id);
    if (user !== null) return { id: user.id, created: false };
  } else {
    const user = yield* findUserByEmail(member.user_email!);
    if (user !== null) return { id: user.id, created: false };
  }
  if (!create) return null;
  const user = yield* insertUser({ ...(member.user_id !== undefined ? { user_id: member.user_id } : {}), ...(member.user_email !== undefined ? { user_email: member.user_email } : {}) }, now);
  return { id: user.id, created: true };
}

function* addMembersStep(teamId: string, members: readonly MemberInput[], maxBudgetInTeam: number | null | undefined, now: number) {
  const budget = maxBudgetInTeam === undefined ? null : budgetMicros(maxBudgetInTeam, 'max_budget_in_team');
  const createdUserIds: string[] = [];
  const addedUserIds: string[] = [];
  for (const member of members) {
    if (member.role !== undefined && member.role !== 'admin' && member.role !== 'member') throw new TeamError('invalid_input', 'A member role is admin or user.', 'member.role');
    const user = (yield* resolveMemberUser(member, now, true))!;
    if (user.created) createdUserIds.push(user.id);
    if ((yield* get(MEMBER, [teamId, user.id])) !== undefined || addedUserIds.includes(user.id)) {
      throw new TeamError('member_exists', `User ${shownId(user.id)} is already a member of team ${shownId(teamId)}.`, 'member');
    }
    yield* run(INSERT_MEMBER, [teamId, user.id, member.role ?? 'member', budget, now]);
    addedUserIds.push(user.id);
  }
  return { createdUserIds, addedUserIds };
}

function* requireMember(teamId: string, member: { user_id?: string; user_email?: string }, now: number): Generator<StorageQuery, string, unknown> {
  const user = yield* resolveMemberUser(member, now, false);
  const name = member.user_id !== undefined ? `user_id ${shownId(member.user_id)}` : `user_email ${shownId(member.user_email!)}`;
  if (user === null || (yield* get(MEMBER, [teamId, user.id])) === undefined) throw new TeamError('member_not_found', `No member with ${name} in team ${shownId(teamId)}.`, member.user_id !== undefined ? 'user_id' : 'user_email');
  return user.id;
}

const createTeam = writeUnit(function* (fields: TeamFields & { team_id?: string; members?: MemberInput[] }, now: number) {
  const id = fields.team_id ?? randomUUID();
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) throw new TeamError('invalid_input', 'team_id must be a non-empty string of at most 256 characters.', 'team_id');
  if ((yield* get(SELECT_BY_ID, [id])) !== undefined) throw new TeamError('invalid_input', `A team with team_id ${shownId(id)} already exists.`, 'team_id');
  const v: ColumnValues = {
    team_alias: null, models: '[]', max_budget_micros: null, soft_budget_micros: null, budget_duration: null, budget_reset_at: null,
    tpm_limit: null, rpm_limit: null, team_member_budget_micros: null, metadata: '{}', blocked: 0, ...toColumns(fields, now),
  };
  yield* run(INSERT, [id, v.team_alias, v.models, v.max_budget_micros, v.soft_budget_micros, v.budget_duration, v.budget_reset_at, v.tpm_limit, v.rpm_limit, v.team_member_budget_micros, v.metadata, v.blocked, now, now]);
  if (fields.members !== undefined && fields.members.length > 0) yield* addMembersStep(id, fields.members, undefined, now);
  return yield* requireTeam(id);
});

const updateTeam = writeUnit(function* (teamId: string, fields: TeamFields, now: number) {
  yield* requireTeam(teamId);
  const values = toColumns(fields, now);
  const columns = (Object.keys(values) as UpdatableColumn[]).sort();
  if (columns.length > 0) yield* run(updateStatementFor(columns), [...columns.map((c) => values[c]), now, teamId]);
  return yield* requireTeam(teamId);
});

const deleteTeams = writeUnit(function* (teamIds: readonly string[]) {
  const ids = [...new Set(teamIds)];
  for (const id of ids) yield* requireTeam(id);
  const deletedKeyIds: string[] = [];
  for (const id of ids) {
    deletedKeyIds.push(...(yield* deleteTeamKeys(id)));
    // Memberships go with the row (ON DELETE CASCADE).
    yield* run(DELETE_BY_ID, [id]);
  }
  return { deletedTeamIds: ids, deletedKeyIds };
});

const addMembers = writeUnit(function* (teamId: string, members: readonly MemberInput[], maxBudgetInTeam: number | null | undefined, now: number) {
  yield* requireTeam(teamId);
  if (members.length === 0) throw new TeamError('invalid_input', 'Name at least one member.', 'member');
  const added = yield* addMembersStep(teamId, members, maxBudgetInTeam, now);
  yield* run(TOUCH, [now, teamId]);
  return { team: yield* requireTeam(teamId), ...added };
});

const updateMember = writeUnit(function* (teamId: string, member: { user_id?: string; user_email?: string }, changes: { role?: TeamRole; maxBudgetInTeam?: number | null }, now: number) {
  yield* requireTeam(teamId);
  const userId = yield* requireMember(teamId, member, now);
  if (changes.role !== undefined) {
    if (changes.role !== 'admin' && changes.role !== 'member') throw new TeamError('invalid_input', 'role is admin or user.', 'role');
    yield* run(UPDATE_MEMBER_ROLE, [changes.role, teamId, userId]);
  }
  if (changes.maxBudgetInTeam !== undefined) yield* run(UPDATE_MEMBER_BUDGET, [budgetMicros(changes.maxBudgetInTeam, 'max_budget_in_team'), teamId, userId]);
  yield* run(TOUCH, [now, teamId]);
  return toMember((yield* get<MemberRow>(MEMBER, [teamId, userId]))!);
});

const removeMember = writeUnit(function* (teamId: string, member: { user_id?: string; user_email?: string }, now: number) {
  yield* requireTeam(teamId);
  const userId = yield* requireMember(teamId, member, now);
  yield* run(DELETE_MEMBER, [teamId, userId]);
  yield* run(TOUCH, [now, teamId]);
  return yield* requireTeam(teamId);
});

const teamInfo = readUnit(findTeam);

const listTeams = readUnit(function* (options: { userId?: string }) {
  const rows = options.userId === undefined ? yield* all<TeamRow>(SELECT_ALL) : yield* all<TeamRow>(SELECT_OF_USER, [options.userId]);
  if (rows.length === 0) return [];
  // One query for every membership rather than one per team.
  const members = yield* all<MemberRow>(MEMBERS_OF_ALL);
  const byTeam = new Map<string, MemberRow[]>();
  for (const m of members) byTeam.set(m.team_id, [...(byTeam.get(m.team_id) ?? []), m]);
  return rows.map((row) => toRecord(row, byTeam.get(row.id) ?? []));
});

/**
 * `keys` is told which keys a /team/delete removed, so its listeners (the key verifier's cache)
 * forget them on SQLite; on PostgreSQL the change feed's trigger on virtual_keys tells the other replicas.
 */
export function createTeamRepository<C extends StorageConnection>(connection: C, clock: Clock, deps: { keys?: { announce(change: KeyChange): void } } = {}): TeamStore<ModeOf<C>> {
  const listeners = new Set<(change: TeamChange) => void>();
  const create = bindUnit(connection, createTeam);
  const update = bindUnit(connection, updateTeam);
  const remove = bindUnit(connection, deleteTeams);
  const info = bindUnit(connection, teamInfo);
  const list = bindUnit(connection, listTeams);
  const add = bindUnit(connection, addMembers);
  const change = bindUnit(connection, updateMember);
  const drop = bindUnit(connection, removeMember);
  const emit = (type: TeamChangeType, teamId: string) => {
    for (const listener of listeners) listener({ type, teamId });
  };
  const store: TeamStore<CallMode> = {
    create: (fields = {}) => committed(() => create(fields, clock.now()), (team) => emit('created', team.id)),
    update: (teamId, fields) => committed(() => update(teamId, fields, clock.now()), (team) => emit('updated', team.id)),
    delete: (teamIds) => committed(() => remove(teamIds), (result) => {
      result.deletedKeyIds.forEach((keyId) => deps.keys?.announce({ type: 'deleted', keyId }));
      result.deletedTeamIds.forEach((id) => emit('deleted', id));
    }),
    info: (teamId) => info(teamId),
    list: (options = {}) => list(options),
    block: (teamId) => committed(() => update(teamId, { blocked: true }, clock.now()), (team) => emit('updated', team.id)),
    unblock: (teamId) => committed(() => update(teamId, { blocked: false }, clock.now()), (team) => emit('updated', team.id)),
    addMembers: (teamId, members, options = {}) => committed(() => add(teamId, members, options.maxBudgetInTeam, clock.now()), () => emit('members_changed', teamId)),
    updateMember: (teamId, member, changes) => committed(() => change(teamId, member, changes, clock.now()), () => emit('members_changed', teamId)),
    removeMember: (teamId, member) => committed(() => drop(teamId, member, clock.now()), () => emit('members_changed', teamId)),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store as TeamStore<ModeOf<C>>;
}

function toMember(row: MemberRow): TeamMember {
  return {
    userId: row.user_id,
    userEmail: row.user_email,
    role: row.role,
    maxBudgetInTeamMicros: row.max_budget_in_team_micros,
    spendMicros: row.spend_micros,
    reservedMicros: row.reserved_micros,
    createdAt: row.created_at,
  };
}

function toRecord(row: TeamRow, members: readonly MemberRow[]): TeamRecord {
  return {
    id: row.id,
    teamAlias: row.team_alias,
    models: JSON.parse(row.models) as string[],
    maxBudgetMicros: row.max_budget_micros,
    softBudgetMicros: row.soft_budget_micros,
    budgetDuration: row.budget_duration,
    budgetResetAt: row.budget_reset_at,
    spendMicros: row.spend_micros,
    reservedMicros: row.reserved_micros,
    tpmLimit: row.tpm_limit,
    rpmLimit: row.rpm_limit,
    teamMemberBudgetMicros: row.team_member_budget_micros,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    blocked: row.blocked === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    members: members.map(toMember),
  };
}

function toColumns(fields: TeamFields, now: number): ColumnValues {
  if (typeof fields !== 'object' || fields === null) throw new TeamError('invalid_input', 'Team fields must be an object.');
  const values: ColumnValues = {};
  if (fields.team_alias !== undefined) {
    const alias = fields.team_alias;
    if (alias !== null && (typeof alias !== 'string' || alias.length === 0 || alias.length > 256)) throw new TeamError('invalid_input', 'team_alias must be a non-empty string of at most 256 characters, or null.', 'team_alias');
    values.team_alias = alias;
  }
  if (fields.models !== undefined) values.models = modelsColumn(fields.models);
  if (fields.max_budget !== undefined) values.max_budget_micros = budgetMicros(fields.max_budget, 'max_budget');
  if (fields.soft_budget !== undefined) values.soft_budget_micros = budgetMicros(fields.soft_budget, 'soft_budget');
  if (fields.team_member_budget !== undefined) values.team_member_budget_micros = budgetMicros(fields.team_member_budget, 'team_member_budget');
  if (fields.budget_duration !== undefined) Object.assign(values, budgetPeriod(fields.budget_duration, now));
  if (fields.tpm_limit !== undefined) values.tpm_limit = limitColumn(fields.tpm_limit, 'tpm_limit');
  if (fields.rpm_limit !== undefined) values.rpm_limit = limitColumn(fields.rpm_limit, 'rpm_limit');
  if (fields.metadata !== undefined) values.metadata = metadataColumn(fields.metadata);
  if (fields.blocked !== undefined) {
    if (typeof fields.blocked !== 'boolean') throw new TeamError('invalid_input', 'blocked must be true or false.', 'blocked');
    values.blocked = fields.blocked ? 1 : 0;
  }
  return values;
}
