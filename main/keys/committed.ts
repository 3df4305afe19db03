// committed: runs a repository write and, once it has committed, tells the listeners; an error goes
// through `translate` (keys, teams and users each turn a unique violation from two writers racing
// past their own existence check into the error that check would have thrown). Stays synchronous
// on SQLite: no Promise unless the engine made one.
import { sqliteCodeOf } from '../storage/storage-error.js';
import { TeamError } from './team-error.js';

export function committed<T>(write: () => T | Promise<T>, onCommitted: (value: T) => void, translate: (error: unknown) => unknown = duplicateTeamOrUser): T | Promise<T> {
  let result: T | Promise<T>;
  try {
    result = write();
  } catch (error) {
    throw translate(error);
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        onCommitted(value);
        return value;
      },
      (error: unknown) => {
        throw translate(error);
      },
    );
  }
  onCommitted(result);
  return result;
}

/** The team and user repositories' translation: which row already exists, as a TeamError. */
function duplicateTeamOrUser(error: unknown): unknown {
  const code = sqliteCodeOf(error);
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' && code !== '23505') return error;
  const message = error instanceof Error ? error.message : '';
  if (message.includes('user_email')) return new TeamError('user_exists', 'Another user already has this user_email.', 'user_email');
  if (message.includes('users')) return new TeamError('user_exists', 'A user with this user_id already exists.', 'user_id');
  if (message.includes('team_memberships')) return new TeamError('member_exists', 'This user is already a member of the team.', 'member');
  if (message.includes('teams')) return new TeamError('invalid_input', 'A team with this team_id already exists.', 'team_id');
  return error;
}

