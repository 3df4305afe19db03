// Migration 6: the Responses API's stored responses (previous_response_id, GET/DELETE
// /v1/responses/{id}): one row per response a client asked to store, owned by the key that made
// it, and a one-row running total of their bytes kept by triggers so the size cap costs no scan.
// Never holds request headers or keys: only the conversation items and the response object.

export const version = 6;
export const name = 'stored-responses';

export const sql = `
CREATE TABLE stored_responses (
  id TEXT PRIMARY KEY,
  -- The virtual key that made it; NULL for the admin key and open local mode.
  owner_key_id TEXT,
  -- Epoch ms when it was stored: retention and the size cap drop the oldest first.
  created_at INTEGER NOT NULL,
  -- The model name the client asked for.
  model TEXT NOT NULL,
  previous_response_id TEXT,
  -- Never inherited by a follow-up (OpenAI's rule); kept for the record.
  instructions TEXT,
  -- This request's own input items (JSON array), not the history it continued.
  input_items TEXT NOT NULL,
  -- The whole response object as sent to the client (JSON); its output items are read from it.
  response TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes >= 0)
) STRICT;
CREATE INDEX stored_responses_created_at ON stored_responses (created_at);

CREATE TABLE stored_responses_total (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  bytes INTEGER NOT NULL
) STRICT;
INSERT INTO stored_responses_total VALUES (1, 0);
CREATE TRIGGER stored_responses_total_insert AFTER INSERT ON stored_responses
BEGIN
  UPDATE stored_responses_total SET bytes = bytes + new.bytes;
END;
CREATE TRIGGER stored_responses_total_delete AFTER DELETE ON stored_responses
BEGIN
  UPDATE stored_responses_total SET bytes = bytes - old.bytes;
END;
`;

/** The same step for PostgreSQL (team mode): trigger functions keep the running total. */
export const postgresql = `
CREATE TABLE stored_responses (
  id TEXT PRIMARY KEY,
  owner_key_id TEXT,
  created_at BIGINT NOT NULL,
  model TEXT NOT NULL,
  previous_response_id TEXT,
  instructions TEXT,
  input_items TEXT NOT NULL,
  response TEXT NOT NULL,
  bytes BIGINT NOT NULL CHECK (bytes >= 0)
);
CREATE INDEX stored_responses_created_at ON stored_responses (created_at);

CREATE TABLE stored_responses_total (
  only_row BIGINT PRIMARY KEY CHECK (only_row = 1),
  bytes BIGINT NOT NULL
);
INSERT INTO stored_responses_total VALUES (1, 0);
CREATE FUNCTION stored_responses_total_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stored_responses_total SET bytes = bytes + new.bytes;
  RETURN new;
END;
$$;
CREATE TRIGGER stored_responses_total_insert AFTER INSERT ON stored_responses
  FOR EACH ROW EXECUTE FUNCTION stored_responses_total_insert();
CREATE FUNCTION stored_responses_total_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE stored_responses_total SET bytes = bytes - old.bytes;
  RETURN old;
END;
$$;
CREATE TRIGGER stored_responses_total_delete AFTER DELETE ON stored_responses
  FOR EACH ROW EXECUTE FUNCTION stored_responses_total_delete();
`;
