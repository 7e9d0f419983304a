-- 001_instance.sql — instance-wide settings and the change sequence.

-- Small instance facts (e.g. when the instance was created). Never secrets.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- One monotonic counter for every write to synced data in the database:
-- each change takes the next value, and clients sync with since=<seq>.
-- Writers bump it inside their own transaction, so SQLite's single writer
-- makes it strictly increasing in commit order.
CREATE TABLE seq_counter (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
) STRICT;
INSERT INTO seq_counter (id, value) VALUES (1, 0);
