-- 012_consultants.sql — the consultant console: consultants (an
-- instance-level role the admin hands out with a one-time sign-in link),
-- their assignments to client families, when an access link was last used,
-- and live streams that end when an assignment ends.

-- A consultant sees and manages the client families assigned to them (those
-- they create are assigned to them), and nobody else's. Not a membership: the
-- family's own list of members does not show them, and their reads go to the
-- family's audit log.
ALTER TABLE users ADD COLUMN is_consultant INTEGER NOT NULL DEFAULT 0
  CHECK (is_consultant IN (0, 1));

CREATE TABLE client_assignments (
  family_id   TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  assigned_by TEXT,                           -- the user who made the assignment
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (family_id, user_id)
) STRICT, WITHOUT ROWID;
-- A consultant's client list walks this index (user_id, family_id).
CREATE INDEX client_assignments_user ON client_assignments(user_id, family_id);

-- When a link last let a device in (the console shows "last used").
ALTER TABLE links ADD COLUMN last_used_at INTEGER;

-- stream_revocations learns a third kind of row: a consultant's assignment
-- to a family that ended (user_id + family_id), so the stream hub ends that
-- consultant's streams of that family at once, as it does for a removed
-- member. SQLite cannot change a CHECK in place: the table is rebuilt, its
-- AUTOINCREMENT high mark carried over (the hub reads "id > last seen", so
-- ids must never go back), and the triggers that write it are made again.
DROP TRIGGER stream_revoke_session;
DROP TRIGGER stream_revoke_member;
DROP TRIGGER stream_revoke_member_row;
DROP TRIGGER stream_revoke_link;

CREATE TABLE stream_revocations_new (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT,                            -- a session that ended
  member_id  TEXT,                            -- a membership that ended
  user_id    TEXT,                            -- a consultant whose assignment to family_id ended
  family_id  TEXT,
  at         INTEGER NOT NULL,                -- epoch ms, for pruning
  CHECK ((session_id IS NOT NULL) + (member_id IS NOT NULL) + (user_id IS NOT NULL) = 1),
  CHECK ((user_id IS NULL) = (family_id IS NULL))
) STRICT;
INSERT INTO stream_revocations_new (id, session_id, member_id, at)
  SELECT id, session_id, member_id, at FROM stream_revocations;
DELETE FROM sqlite_sequence WHERE name = 'stream_revocations_new';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'stream_revocations_new',
         max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stream_revocations'), 0),
             coalesce((SELECT max(id) FROM stream_revocations_new), 0));
DROP TABLE stream_revocations;
ALTER TABLE stream_revocations_new RENAME TO stream_revocations;
CREATE INDEX stream_revocations_at ON stream_revocations(at);

-- The triggers of 006, as they were.
CREATE TRIGGER stream_revoke_session AFTER DELETE ON sessions
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (session_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER stream_revoke_member AFTER UPDATE OF removed_at ON members
WHEN OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER stream_revoke_member_row AFTER DELETE ON members
WHEN OLD.removed_at IS NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER stream_revoke_link AFTER UPDATE OF revoked_at ON links
WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  SELECT id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM members WHERE link_id = NEW.id AND user_id IS NULL AND removed_at IS NULL;
END;

-- An assignment that ends, however it ends (unassigned, the consultant
-- removed, the family or the account deleted): that consultant's streams of
-- that family end.
CREATE TRIGGER stream_revoke_assignment AFTER DELETE ON client_assignments
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (user_id, family_id, at)
  VALUES (OLD.user_id, OLD.family_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- Someone who stops being a consultant keeps no client: their assignments
-- go (and with them, by the trigger above, their streams), even through a
-- path that forgot to remove them.
CREATE TRIGGER consultant_removed AFTER UPDATE OF is_consultant ON users
WHEN OLD.is_consultant = 1 AND NEW.is_consultant = 0
BEGIN
  DELETE FROM client_assignments WHERE user_id = OLD.id;
END;
