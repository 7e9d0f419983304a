-- 006_stream_revocations.sql — access that ended, for the live streams.
-- A stream (cgi-bin/stream.c) stays open for hours, so it must end the moment
-- its session or its membership ends, not at the next heartbeat. Triggers
-- record every way that happens, whichever program or statement does it:
-- sign-out, a revoked session, a password change ending the other sessions,
-- a member removed or leaving, an access link revoked, and the cascades of a
-- deleted family or account. The stream hub reads the rows newer than the
-- last it saw in the same read transaction in which it sends events, and
-- ends those streams first, so nothing committed after the change reaches
-- them. Rows are for the hub only: writers prune those over an hour old.

-- AUTOINCREMENT: ids never go back, even once pruning has emptied the table,
-- so the hub's "id > last seen" cannot miss a row.
CREATE TABLE stream_revocations (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT,                            -- a session that ended
  member_id  TEXT,                            -- a membership that ended
  at         INTEGER NOT NULL,                -- epoch ms, for pruning
  CHECK ((session_id IS NULL) != (member_id IS NULL))
) STRICT;
CREATE INDEX stream_revocations_at ON stream_revocations(at);

-- Sessions are only ever deleted to end them (sign-out, revocation, password
-- change, link revocation, a removed guest, cascades).
CREATE TRIGGER stream_revoke_session AFTER DELETE ON sessions
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (session_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- A member removed (or leaving): the row stays, removed_at is set.
CREATE TRIGGER stream_revoke_member AFTER UPDATE OF removed_at ON members
WHEN OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- A membership deleted outright (a family or an account deleted).
CREATE TRIGGER stream_revoke_member_row AFTER DELETE ON members
WHEN OLD.removed_at IS NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- A revoked access link ends every guest device it let in (their sessions
-- are deleted too; this holds even for a path that forgot to).
CREATE TRIGGER stream_revoke_link AFTER UPDATE OF revoked_at ON links
WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  SELECT id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM members WHERE link_id = NEW.id AND user_id IS NULL AND removed_at IS NULL;
END;
