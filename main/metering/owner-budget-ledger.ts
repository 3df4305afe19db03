// Owner budgets: the levels above a key (issue 17 item 3) that the budget ledger holds and charges
// in the same write unit as the key, in the fixed lock order key -> member -> team -> user.
// A team key holds its team, and its member-in-team budget when its user is a member of that team;
// a user key with no team holds its user. On a team key the owner's personal budget does NOT apply
// (LiteLLM's behaviour since v1.95.0). Steps of the caller's unit, on both engines; never commits,
// never leaves a hold behind a refusal (it throws OwnerBudgetRefused, which rolls the unit back).
import { resetBudgetIfDue, type BudgetTable } from '../keys/budget-reset.js';
import { chargeStatement, holdStatement, recountStatement } from '../storage/budget-statements.js';
import { sql } from '../storage/sql-statement.js';
import { get, run, type StorageQuery } from '../storage/storage-unit.js';
import { refusalOfRow, type BudgetRefusal, type BudgetRow } from './budget-refusal.js';

/**
 * Who applies a budget to a request: the key itself, its member-in-team budget, its team, its
 * user; or, for a request with no key, its app (main/apps/app-budget-ledger.ts).
 */
export type BudgetLevel = 'key' | 'team_member' | 'team' | 'user' | 'app';

/** The levels above its key that one reservation holds, as budget_reservations records them. */
export interface HeldLevels {
  /** The team held (team key), or null. */
  teamId: string | null;
  /** The key's user: the member held (with `member`), or the user held (no team). */
  userId: string | null;
  /** True when the member-in-team budget of (teamId, userId) is held. */
  member: boolean;
}

/** A key's owners, as its row says. */
export interface KeyOwners {
  team_id: string | null;
  user_id: string | null;
}

export const NO_LEVELS: HeldLevels = { teamId: null, userId: null, member: false };

/** The refusal of a level above the key: what the budget ledger turns into BudgetExceeded (budget-refusal.ts). */
export interface OwnerRefusal extends BudgetRefusal {
  level: Exclude<BudgetLevel, 'key'>;
}

/** Thrown inside the write unit so that the holds already taken (the key's, the member's) roll back. */
export class OwnerBudgetRefused extends Error {
  constructor(readonly refusal: OwnerRefusal) {
    super(`Budget exceeded for ${refusal.name}.`);
    this.name = 'OwnerBudgetRefused';
  }
}

// The same conditional hold as the key's (budget-statements.ts): parameters est, id, now, est.
const HOLD_TEAM = holdStatement('teams', 'reserved_micros');
const HOLD_USER = holdStatement('users', 'reserved_micros');
// The member's cap is its max_budget_in_team override, else its team's team_member_budget; counted
// against that member's spend in this team only. The team is read, not locked (it is locked next).
// Parameters: est, team, user, est.
const HOLD_MEMBER = sql(
  `UPDATE team_memberships SET reserved_micros = reserved_micros + ?
   WHERE team_id = ? AND user_id = ?
     AND (coalesce(max_budget_in_team_micros, (SELECT t.team_member_budget_micros FROM teams t WHERE t.id = team_memberships.team_id)) IS NULL
       OR spend_micros + reserved_micros + ? <= coalesce(max_budget_in_team_micros, (SELECT t.team_member_budget_micros FROM teams t WHERE t.id = team_memberships.team_id)))
   RETURNING reserved_micros`,
);

interface LevelRow extends BudgetRow {
  name: string | null;
}
const SELECT_TEAM = sql('SELECT team_alias AS name, max_budget_micros, spend_micros, reserved_micros, budget_reset_at FROM teams WHERE id = ?');
const SELECT_USER = sql('SELECT user_email AS name, max_budget_micros, spend_micros, reserved_micros, budget_reset_at FROM users WHERE id = ?');
const SELECT_MEMBER = sql(
  `SELECT u.user_email AS name, t.team_alias, coalesce(m.max_budget_in_team_micros, t.team_member_budget_micros) AS max_budget_micros,
     m.spend_micros, m.reserved_micros
   FROM team_memberships m JOIN teams t ON t.id = m.team_id LEFT JOIN users u ON u.id = m.user_id
   WHERE m.team_id = ? AND m.user_id = ?`,
);

/** Parameters: held, held, actual, id. */
const CHARGE_TEAM = chargeStatement('teams');
const CHARGE_USER = chargeStatement('users');
/** Parameters: held, held, actual, team, user. */
const CHARGE_MEMBER = chargeStatement('team_memberships', { where: 'team_id = ? AND user_id = ?' });

/** After a restart (nothing in flight): each level's reserved becomes what its reservations hold. */
export const RECOUNT_OWNER_LEVELS = [
  sql(`UPDATE team_memberships SET reserved_micros = held.amount
   FROM (SELECT m.team_id, m.user_id, coalesce(sum(r.amount_micros), 0) AS amount FROM team_memberships m
         LEFT JOIN budget_reservations r ON r.member = 1 AND r.team_id = m.team_id AND r.user_id = m.user_id GROUP BY m.team_id, m.user_id) AS held
   WHERE held.team_id = team_memberships.team_id AND held.user_id = team_memberships.user_id AND team_memberships.reserved_micros <> held.amount`),
  recountStatement('teams', 'budget_reservations', 'r.team_id = e.id'),
  recountStatement('users', 'budget_reservations', 'r.team_id IS NULL AND r.user_id = e.id'),
];

/** The levels a key with these owners is held against (the member level only if a membership exists, decided by holdOwnerLevels). */
export function levelsOf(owners: KeyOwners): HeldLevels {
  if (owners.team_id !== null) return { teamId: owners.team_id, userId: owners.user_id, member: owners.user_id !== null };
  if (owners.user_id !== null) return { teamId: null, userId: owners.user_id, member: false };
  return NO_LEVELS;
}

/**
 * Holds `extra` at each of `levels` in lock order (member, team, user), or throws
 * OwnerBudgetRefused naming the exhausted level. A key with no owner costs no statement. A team or
 * user that no longer exists holds nothing; `member` becomes false when the key's user is not a
 * member of its team. Returns the levels really held. `ownHeld` is what this request already holds
 * (a top-up), left out of "held by others" in the refusal.
 */
export function* holdOwnerLevels(levels: HeldLevels, extra: number, now: number, ownHeld: number): Generator<StorageQuery, HeldLevels, unknown> {
  if (levels.teamId === null && levels.userId === null) return NO_LEVELS;
  let member = false;
  let teamId: string | null = null;
  let userId: string | null = levels.userId;
  if (levels.teamId !== null) {
    if (levels.member && levels.userId !== null) member = yield* holdMember(levels.teamId, levels.userId, extra, ownHeld);
    if (yield* holdBudgeted('teams', levels.teamId, extra, now, ownHeld)) teamId = levels.teamId;
    if (!member) userId = teamId === null ? null : levels.userId;
  } else if (levels.userId !== null && !(yield* holdBudgeted('users', levels.userId, extra, now, ownHeld))) {
    userId = null;
  }
  return { teamId, userId, member };
}

function* holdMember(teamId: string, userId: string, extra: number, ownHeld: number): Generator<StorageQuery, boolean, unknown> {
  if ((yield* get(HOLD_MEMBER, [extra, teamId, userId, extra])) !== undefined) return true;
  const row = yield* get<LevelRow & { team_alias: string | null }>(SELECT_MEMBER, [teamId, userId]);
  // Not a member of its key's team (allowed): no member budget applies.
  if (row === undefined) return false;
  // A member budget never resets on a schedule (SELECT_MEMBER reads no reset column).
  const name = `team member ${quoted(row.name, userId)} in team ${quoted(row.team_alias, teamId)}`;
  throw new OwnerBudgetRefused(refusalOfRow('team_member', name, { ...row, budget_reset_at: null }, ownHeld));
}

/** A team's or user's hold; false when the entity no longer exists (nothing to hold). */
function* holdBudgeted(table: 'teams' | 'users', id: string, extra: number, now: number, ownHeld: number): Generator<StorageQuery, boolean, unknown> {
  const hold = table === 'teams' ? HOLD_TEAM : HOLD_USER;
  const select = table === 'teams' ? SELECT_TEAM : SELECT_USER;
  if ((yield* get(hold, [extra, id, now, extra])) !== undefined) return true;
  let row = yield* get<LevelRow>(select, [id]);
  if (row === undefined) return false;
  // Lazy reset at admission, like the key's: its period ended, so spend starts again from 0.
  if (row.budget_reset_at !== null && row.budget_reset_at <= now && (yield* resetBudgetIfDue(id, now, table satisfies BudgetTable))) {
    if ((yield* get(hold, [extra, id, now, extra])) !== undefined) return true;
    row = (yield* get<LevelRow>(select, [id])) ?? row;
  }
  const level = table === 'teams' ? ('team' as const) : ('user' as const);
  throw new OwnerBudgetRefused(refusalOfRow(level, `${level} ${quoted(row.name, id)}`, row, ownHeld));
}

/** Moves `held` from reserved and adds `actual` to spend at each level, in lock order. */
export function* chargeOwnerLevels(levels: HeldLevels, held: number, actual: number): Generator<StorageQuery, void, unknown> {
  if (levels.teamId !== null) {
    if (levels.member && levels.userId !== null) yield* run(CHARGE_MEMBER, [held, held, actual, levels.teamId, levels.userId]);
    yield* run(CHARGE_TEAM, [held, held, actual, levels.teamId]);
  } else if (levels.userId !== null) {
    yield* run(CHARGE_USER, [held, held, actual, levels.userId]);
  }
}

/**
 * Charges for a batch: sums per level, then one UPDATE per member, team and user, each group in
 * sorted order, so replicas settling at once lock rows in the same order (after their keys).
 */
export function createOwnerCharges(): {
  add(levels: HeldLevels, held: number, actual: number): void;
  charge(): Generator<StorageQuery, void, unknown>;
} {
  const members = new Map<string, { teamId: string; userId: string; held: number; actual: number }>();
  const teams = new Map<string, { held: number; actual: number }>();
  const users = new Map<string, { held: number; actual: number }>();
  const sum = (entry: { held: number; actual: number }, held: number, actual: number) => {
    entry.held += held;
    entry.actual += actual;
  };
  return {
    add(levels, held, actual) {
      if (levels.teamId !== null) {
        if (levels.member && levels.userId !== null) {
          const id = JSON.stringify([levels.teamId, levels.userId]);
          const entry = members.get(id) ?? { teamId: levels.teamId, userId: levels.userId, held: 0, actual: 0 };
          sum(entry, held, actual);
          members.set(id, entry);
        }
        const team = teams.get(levels.teamId) ?? { held: 0, actual: 0 };
        sum(team, held, actual);
        teams.set(levels.teamId, team);
      } else if (levels.userId !== null) {
        const user = users.get(levels.userId) ?? { held: 0, actual: 0 };
        sum(user, held, actual);
        users.set(levels.userId, user);
      }
    },
    *charge() {
      for (const id of [...members.keys()].sort()) {
        const { teamId, userId, held, actual } = members.get(id)!;
        yield* run(CHARGE_MEMBER, [held, held, actual, teamId, userId]);
      }
      for (const id of [...teams.keys()].sort()) {
        const { held, actual } = teams.get(id)!;
        yield* run(CHARGE_TEAM, [held, held, actual, id]);
      }
      for (const id of [...users.keys()].sort()) {
        const { held, actual } = users.get(id)!;
        yield* run(CHARGE_USER, [held, held, actual, id]);
      }
    },
  };
}

/** A reservation row's levels. */
export function levelsOfReservation(row: { team_id: string | null; user_id: string | null; member: number }): HeldLevels {
  return { teamId: row.team_id, userId: row.user_id, member: row.member === 1 };
}

function quoted(name: string | null, id: string): string {
  return name === null ? id : `'${name}'`;
}
