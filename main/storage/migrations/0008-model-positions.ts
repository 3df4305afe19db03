// Migration 8: models keep their insertion order in a column of their own, `position`, instead of
// SQLite's rowid, which PostgreSQL has no equivalent of, so the dashboard's model list reads the
// same on both engines. A trigger numbers every new row (whoever inserts it: the repository, a
// backup restore); existing rows keep the order they had.

export const version = 8;
export const name = 'model-positions';

export const sql = `
ALTER TABLE models ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE models SET position = rowid;
CREATE TRIGGER models_position AFTER INSERT ON models WHEN new.position = 0
BEGIN
  UPDATE models SET position = (SELECT coalesce(max(position), 0) + 1 FROM models) WHERE id = new.id;
END;
`;

export const postgresql = `
ALTER TABLE models ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
UPDATE models SET position = ordered.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM models) AS ordered
  WHERE models.id = ordered.id;
CREATE FUNCTION models_position() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF new.position = 0 THEN
    new.position := (SELECT coalesce(max(position), 0) + 1 FROM models);
  END IF;
  RETURN new;
END;
$$;
CREATE TRIGGER models_position BEFORE INSERT ON models FOR EACH ROW EXECUTE FUNCTION models_position();
`;
