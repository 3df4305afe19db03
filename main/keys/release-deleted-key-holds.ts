// Before keys are deleted: frees what their in-flight requests hold above them (member-in-team,
// team, user budgets). Deleting a key cascades its budget_reservations rows, which would otherwise
// leave those holds counted in the owners' reserved_micros for good (team mode never recounts).
// A step of the deleting unit; locks in the budget ledger's order (keys sorted, then memberships,
// teams, users sorted), so a delete racing an admission never deadlocks. Never touches spend.
import { sql } from '../storage/sql-statement.js';
import { all, run, type StorageQuery } from '../storage/storage-unit.js';

// Takes the key's row lock first (an UPDATE of a column no cache watches), as admission does.
const LOCK_KEY = sql('UPDATE virtual_keys SET reserved_micros = reserved_micros WHERE id = ?');
const CLAIM_OWNER_HOLDS = sql(
  `DELETE FROM budget_reservations WHERE key_id = ? AND settled = 0 AND (team_id IS NOT NULL OR user_id IS NOT NULL)
   RETURNING team_id, user_id, member, amount_micros`,
);
/** Parameters: held, held, id (CASE: PostgreSQL has no two-argument max). */
const FREE_MEMBER = sql('UPDATE team_memberships SET reserved_micros = CASE WHEN reserved_micros > ? THEN reserved_micros - ? ELSE 0 END WHERE team_id = ? AND user_id = ?');
const FREE_TEAM = sql('UPDATE teams SET reserved_micros = CASE WHEN reserved_micros > ? THEN reserved_micros - ? ELSE 0 END WHERE id = ?');
const FREE_USER = sql('UPDATE users SET reserved_micros = CASE WHEN reserved_micros > ? THEN reserved_micros - ? ELSE 0 END WHERE id = ?');

interface Hold {
  team_id: string | null;
  user_id: string | null;
  member: number;
  amount_micros: number;
}

export function* releaseDeletedKeyHolds(keyIds: Iterable<string>): Generator<StorageQuery, void, unknown> {
  const members = new Map<string, { teamId: string; userId: string; held: number }>();
  const teams = new Map<string, number>();
  const users = new Map<string, number>();
  for (const keyId of [...new Set(keyIds)].sort()) {
    yield* run(LOCK_KEY, [keyId]);
    for (const hold of yield* all<Hold>(CLAIM_OWNER_HOLDS, [keyId])) {
      if (hold.team_id !== null) {
        if (hold.member === 1 && hold.user_id !== null) {
          const id = JSON.stringify([hold.team_id, hold.user_id]);
          const entry = members.get(id) ?? { teamId: hold.team_id, userId: hold.user_id, held: 0 };
          entry.held += hold.amount_micros;
          members.set(id, entry);
        }
        teams.set(hold.team_id, (teams.get(hold.team_id) ?? 0) + hold.amount_micros);
      } else if (hold.user_id !== null) {
        users.set(hold.user_id, (users.get(hold.user_id) ?? 0) + hold.amount_micros);
      }
    }
  }
  for (const id of [...members.keys()].sort()) {
    const { teamId, userId, held } = members.get(id)!;
    yield* run(FREE_MEMBER, [held, held, teamId, userId]);
  }
  for (const id of [...teams.keys()].sort()) yield* run(FREE_TEAM, [teams.get(id)!, teams.get(id)!, id]);
  for (const id of [...users.keys()].sort()) yield* run(FREE_USER, [users.get(id)!, users.get(id)!, id]);
}
