// Migration 15: a budget reservation records which levels above its key it holds (issue 17 item
// 3): `team_id` (the team's budget), `member` = 1 (that team's member budget for `user_id`), or
// `user_id` with no team (the user's personal budget). Settlement, release and the lease sweep
// move exactly those holds, even if the key changed owner while the request ran. Reservations
// made before this step hold their key only (NULL, NULL, 0), which is what they held.
//
// PostgreSQL: admission now reads a key's team_id and user_id through each replica's key cache (a
// key with an owner is held against its owners' budgets even without a budget of its own), so a
// change of owner must bump the 'keys' topic like the other cached columns (migration 12's
// trigger, recreated with both added; migration 12 itself stays as it was applied).
import { KEY_CACHE_COLUMNS } from './0012-change-versions.js';

/** What the 'keys' topic watches from this step on. */
export const KEY_CACHE_COLUMNS_WITH_OWNERS = [...KEY_CACHE_COLUMNS, 'team_id', 'user_id'] as const;

export const version = 15;
export const name = 'reservation-levels';

export const sql = `
ALTER TABLE budget_reservations ADD COLUMN team_id TEXT;
ALTER TABLE budget_reservations ADD COLUMN user_id TEXT;
ALTER TABLE budget_reservations ADD COLUMN member INTEGER NOT NULL DEFAULT 0 CHECK (member IN (0, 1));
`;

export const postgresql = `
ALTER TABLE budget_reservations ADD COLUMN team_id TEXT;
ALTER TABLE budget_reservations ADD COLUMN user_id TEXT;
ALTER TABLE budget_reservations ADD COLUMN member BIGINT NOT NULL DEFAULT 0 CHECK (member IN (0, 1));
DROP TRIGGER virtual_keys_changed ON virtual_keys;
CREATE TRIGGER virtual_keys_changed
  AFTER INSERT OR DELETE OR UPDATE OF ${KEY_CACHE_COLUMNS_WITH_OWNERS.join(', ')} ON virtual_keys
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('keys');
`;
