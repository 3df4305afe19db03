// Migration 16: 'teams' and 'users' topics in change_versions (migration 12's pattern), because a
// key's cached row now carries what its team and user limit at admission (issue 17 items 1 and 3):
// a team's `blocked`, rpm/tpm limits and models, a user's models, and the alias or email refusals
// name. On PostgreSQL a statement trigger bumps the topic when one of those columns changes, when a
// row is inserted or deleted (a key whose team appears or goes) and on TRUNCATE, so every replica
// forgets its cached keys within about a second (/team/block takes effect on the next request).
// Never for spend_micros, reserved_micros or budget_reset_at: every budgeted request writes them,
// and admission reads budgets from the database itself. SQLite gets the rows, no triggers (one
// process owns the file; its repositories tell its key cache directly).

export const version = 16;
export const name = 'team-and-user-change-topics';

/** The teams columns a cached key carries (see AdmissionKeyRecord). */
export const TEAM_CACHE_COLUMNS = ['team_alias', 'models', 'rpm_limit', 'tpm_limit', 'blocked'] as const;
/** The users columns a cached key carries. */
export const USER_CACHE_COLUMNS = ['user_email', 'models'] as const;

export const sql = `
INSERT INTO change_versions (topic, version) VALUES ('teams', 0), ('users', 0);
`;

export const postgresql = `
INSERT INTO change_versions (topic, version) VALUES ('teams', 0), ('users', 0);
CREATE TRIGGER teams_changed
  AFTER INSERT OR DELETE OR UPDATE OF ${TEAM_CACHE_COLUMNS.join(', ')} ON teams
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('teams');
CREATE TRIGGER teams_truncated AFTER TRUNCATE ON teams
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('teams');
CREATE TRIGGER users_changed
  AFTER INSERT OR DELETE OR UPDATE OF ${USER_CACHE_COLUMNS.join(', ')} ON users
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('users');
CREATE TRIGGER users_truncated AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION change_versions_bump('users');
`;
