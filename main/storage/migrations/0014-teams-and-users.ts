// Migration 14: teams, users and team memberships (issue 17, LiteLLM's hierarchy), and an owner on
// every virtual key (`team_id`, `user_id`, both nullable). Existing keys keep working with no owner:
// the columns default to NULL and nothing that admits a request reads them yet. Money is integer
// micro-dollars like virtual_keys; JSON stays TEXT (parsed in TypeScript) on both engines.
//
// No foreign key from virtual_keys to teams or users: /team/delete and /user/delete delete the
// owned keys themselves, as LiteLLM does, in the same transaction; a key restored from a backup
// made before a team was deleted must still load. Memberships do cascade: a membership without its
// team or user means nothing. Spent and reserved columns are here for issue 17 item 3 (budgets at
// every level); this migration only stores them.
//
// Numbered 14 on this branch (i17-teams-users); 13 belongs to another branch. Renumber at merge if
// that changes: the number is the only thing that would.

export const version = 14;
export const name = 'teams-and-users';

export const sql = `
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  team_alias TEXT,
  models TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(models)),
  max_budget_micros INTEGER CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  soft_budget_micros INTEGER CHECK (soft_budget_micros IS NULL OR soft_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at INTEGER,
  spend_micros INTEGER NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros INTEGER NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  tpm_limit INTEGER CHECK (tpm_limit IS NULL OR tpm_limit >= 0),
  rpm_limit INTEGER CHECK (rpm_limit IS NULL OR rpm_limit >= 0),
  team_member_budget_micros INTEGER CHECK (team_member_budget_micros IS NULL OR team_member_budget_micros >= 0),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX teams_budget_reset_at ON teams (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  user_email TEXT UNIQUE,
  user_role TEXT NOT NULL DEFAULT 'internal_user',
  max_budget_micros INTEGER CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at INTEGER,
  spend_micros INTEGER NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros INTEGER NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  models TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(models)),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_budget_reset_at ON users (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE team_memberships (
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  max_budget_in_team_micros INTEGER CHECK (max_budget_in_team_micros IS NULL OR max_budget_in_team_micros >= 0),
  spend_micros INTEGER NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros INTEGER NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX team_memberships_user_id ON team_memberships (user_id);

ALTER TABLE virtual_keys ADD COLUMN team_id TEXT;
ALTER TABLE virtual_keys ADD COLUMN user_id TEXT;
CREATE INDEX virtual_keys_team_id ON virtual_keys (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX virtual_keys_user_id ON virtual_keys (user_id) WHERE user_id IS NOT NULL;
`;

export const postgresql = `
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  team_alias TEXT,
  models TEXT NOT NULL DEFAULT '[]' CHECK (models::jsonb IS NOT NULL),
  max_budget_micros BIGINT CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  soft_budget_micros BIGINT CHECK (soft_budget_micros IS NULL OR soft_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at BIGINT,
  spend_micros BIGINT NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros BIGINT NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  tpm_limit BIGINT CHECK (tpm_limit IS NULL OR tpm_limit >= 0),
  rpm_limit BIGINT CHECK (rpm_limit IS NULL OR rpm_limit >= 0),
  team_member_budget_micros BIGINT CHECK (team_member_budget_micros IS NULL OR team_member_budget_micros >= 0),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (metadata::jsonb IS NOT NULL),
  blocked BIGINT NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX teams_budget_reset_at ON teams (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  user_email TEXT UNIQUE,
  user_role TEXT NOT NULL DEFAULT 'internal_user',
  max_budget_micros BIGINT CHECK (max_budget_micros IS NULL OR max_budget_micros >= 0),
  budget_duration TEXT,
  budget_reset_at BIGINT,
  spend_micros BIGINT NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros BIGINT NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  models TEXT NOT NULL DEFAULT '[]' CHECK (models::jsonb IS NOT NULL),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (metadata::jsonb IS NOT NULL),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_budget_reset_at ON users (budget_reset_at) WHERE budget_reset_at IS NOT NULL;

CREATE TABLE team_memberships (
  team_id TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
  max_budget_in_team_micros BIGINT CHECK (max_budget_in_team_micros IS NULL OR max_budget_in_team_micros >= 0),
  spend_micros BIGINT NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
  reserved_micros BIGINT NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_memberships_user_id ON team_memberships (user_id);

ALTER TABLE virtual_keys ADD COLUMN team_id TEXT;
ALTER TABLE virtual_keys ADD COLUMN user_id TEXT;
CREATE INDEX virtual_keys_team_id ON virtual_keys (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX virtual_keys_user_id ON virtual_keys (user_id) WHERE user_id IS NOT NULL;
`;
