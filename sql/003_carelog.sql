-- 003_carelog.sql — the care log: typed entries with client-made ids, the
-- per-family quick-log button configuration, both synced by server sequence.

-- One logged event (or a running timer: ts set, end_ts NULL). The id is the
-- client's UUID (v7), so an entry logged offline keeps it forever and a
-- replayed upload is idempotent. Conflicts resolve by last write wins on the
-- client's updated_at (ms); deletes are tombstones (deleted = 1) that sync
-- like any change. seq orders every write across the database.
CREATE TABLE entries (
  id         TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  type       TEXT NOT NULL CHECK (type IN ('feed', 'diaper', 'sleep', 'pump', 'growth',
                  'temperature', 'medication', 'symptom', 'vitals', 'tummy_time', 'note')),
  ts         INTEGER NOT NULL,                -- start (or the moment), epoch ms
  end_ts     INTEGER CHECK (end_ts IS NULL OR end_ts >= ts),
  value      TEXT NOT NULL,                   -- JSON object, validated per type
  author_id  TEXT REFERENCES members(id),     -- the member who wrote this version
  created_at INTEGER NOT NULL,                -- client clock, ms
  updated_at INTEGER NOT NULL,                -- client clock, ms: the last-write-wins key
  deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  seq        INTEGER NOT NULL UNIQUE          -- server order of writes (sync cursor)
) STRICT;
CREATE INDEX entries_family_seq ON entries(family_id, seq);
CREATE INDEX entries_family_ts ON entries(family_id, ts DESC, id DESC);
CREATE INDEX entries_subject_ts ON entries(subject_id, type, ts DESC);
-- At most one running sleep per person: a second one is a conflict (409).
CREATE UNIQUE INDEX entries_one_running_sleep ON entries(subject_id)
  WHERE type = 'sleep' AND end_ts IS NULL AND deleted = 0;

-- The family's quick-log buttons: JSON groups of buttons. A family without a
-- row uses the default set (version 0).
CREATE TABLE family_config (
  family_id  TEXT PRIMARY KEY REFERENCES families(id) ON DELETE CASCADE,
  data       TEXT NOT NULL,
  seq        INTEGER NOT NULL UNIQUE,         -- the config's version
  updated_at INTEGER NOT NULL
) STRICT;
