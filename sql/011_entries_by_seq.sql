-- 011_entries_by_seq.sql — entries keyed by their server sequence number.
-- seq becomes the rowid: the table is stored in write order (what sync
-- pulls and the live stream read), so the separate UNIQUE(seq) index and
-- the hidden rowid go, and a new entry touches five b-trees instead of
-- seven (the table, id, family+seq, family+ts, subject+type+ts; the
-- running-sleep index only for sleeps). The type list is no longer a CHECK
-- here: the entry catalogue (catalogue/entries.json) is its one definition,
-- and every write is validated against it, so adding a type needs no
-- migration. An edit takes a new seq, which moves its row to the end.
CREATE TABLE entries_by_seq (
  seq        INTEGER PRIMARY KEY,             -- server order of writes (sync cursor)
  id         TEXT NOT NULL UNIQUE,            -- the client's UUID (v7)
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id TEXT NOT NULL REFERENCES subjects(id),
  type       TEXT NOT NULL,                   -- a type of the entry catalogue
  ts         INTEGER NOT NULL,                -- start (or the moment), epoch ms
  end_ts     INTEGER CHECK (end_ts IS NULL OR end_ts >= ts),
  value      TEXT NOT NULL,                   -- JSON object, validated per type
  author_id  TEXT REFERENCES members(id),     -- the member who wrote this version
  created_at INTEGER NOT NULL,                -- client clock, ms
  updated_at INTEGER NOT NULL,                -- client clock, ms: the last-write-wins key
  deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;
INSERT INTO entries_by_seq (seq, id, family_id, subject_id, type, ts, end_ts, value, author_id,
                            created_at, updated_at, deleted)
  SELECT seq, id, family_id, subject_id, type, ts, end_ts, value, author_id, created_at,
         updated_at, deleted FROM entries;
DROP TABLE entries;
ALTER TABLE entries_by_seq RENAME TO entries;
-- Each index ends in the rowid, so (family_id) is ordered by seq within a family.
CREATE INDEX entries_family_seq ON entries(family_id);
CREATE INDEX entries_family_ts ON entries(family_id, ts DESC, id DESC);
CREATE INDEX entries_subject_ts ON entries(subject_id, type, ts DESC);
CREATE UNIQUE INDEX entries_one_running_sleep ON entries(subject_id)
  WHERE type = 'sleep' AND end_ts IS NULL AND deleted = 0;
