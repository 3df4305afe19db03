// The statements on virtual_keys that follow from ownership (migration 14): deleting the keys a
// team or user owns, as steps of the team or user repository's own unit of work, so a /team/delete
// or /user/delete removes the owner and its keys in one transaction (LiteLLM deletes them too).
// Never creates or changes a key: that is the key repository's.
import { sql } from '../storage/sql-statement.js';
import { all, type StorageQuery } from '../storage/storage-unit.js';
import { releaseDeletedKeyHolds } from './release-deleted-key-holds.js';

const DELETE_TEAM_KEYS = sql('DELETE FROM virtual_keys WHERE team_id = ? RETURNING id');
const DELETE_USER_KEYS = sql('DELETE FROM virtual_keys WHERE user_id = ? RETURNING id');
const SELECT_TEAM_KEYS = sql('SELECT id FROM virtual_keys WHERE team_id = ?');
const SELECT_USER_KEYS = sql('SELECT id FROM virtual_keys WHERE user_id = ?');

/** Deletes every key of the team (its budget holds go with them); returns their ids. */
export function* deleteTeamKeys(teamId: string): Generator<StorageQuery, string[], unknown> {
  yield* releaseDeletedKeyHolds((yield* all<{ id: string }>(SELECT_TEAM_KEYS, [teamId])).map((row) => row.id));
  return (yield* all<{ id: string }>(DELETE_TEAM_KEYS, [teamId])).map((row) => row.id);
}

/** Deletes every key the user owns, in any team; returns their ids. */
export function* deleteUserKeys(userId: string): Generator<StorageQuery, string[], unknown> {
  // A user's team keys hold budget at their teams, which outlive the user: freed first.
  yield* releaseDeletedKeyHolds((yield* all<{ id: string }>(SELECT_USER_KEYS, [userId])).map((row) => row.id));
  return (yield* all<{ id: string }>(DELETE_USER_KEYS, [userId])).map((row) => row.id);
}
