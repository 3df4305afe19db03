// Migration 2: models added in the dashboard (LiteLLM /model/new). One row per deployment, its
// litellm_params and model_info kept as the JSON LiteLLM clients send. Never holds a provider
// key: api_key may only be a reference (os.environ/NAME, keychain/NAME), checked before insert.

export const version = 2;
export const name = 'dashboard-models';

export const sql = `
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL CHECK (length(model_name) BETWEEN 1 AND 256),
  litellm_params TEXT NOT NULL CHECK (json_valid(litellm_params)),
  model_info TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(model_info)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX models_model_name ON models (model_name);
`;

/** The same table for PostgreSQL (team mode); see 0001 for the type mapping. */
export const postgresql = `
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL CHECK (length(model_name) BETWEEN 1 AND 256),
  litellm_params TEXT NOT NULL CHECK (litellm_params::jsonb IS NOT NULL),
  model_info TEXT NOT NULL DEFAULT '{}' CHECK (model_info::jsonb IS NOT NULL),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE INDEX models_model_name ON models (model_name);
`;
