// Migration 15: a budget reservation records which levels above its key it holds (issue 17 item
// 3): `team_id` (the team's budget), `member` = 1 (that team's member budget for `user_id`), or
// `user_id` with no team (the user's personal budget). Settlement, release and the lease sweep
// move exactly those holds, even if the key changed owner while the request ran. Reservations
// made before this step hold their key only (NULL, NULL, 0), which is what they held.

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
`;
