-- 021_member_subjects.sql — access per person, and entries logged together.
--
-- A member (and the invite or access link that makes one) may be limited to
-- some of the family's people: a nanny sees and logs only for Liam. The
-- limit is a JSON array of subject ids, NULL for everyone (the default, and
-- what every existing member keeps). The server enforces it on every route
-- through one helper (framework/access.c: access_subject_ok and the
-- ACCESS_SUBJECT_IN filter); owners are never limited.
ALTER TABLE members ADD COLUMN subject_ids TEXT
  CHECK (subject_ids IS NULL OR (json_valid(subject_ids) AND json_type(subject_ids) = 'array'));
ALTER TABLE links ADD COLUMN subject_ids TEXT
  CHECK (subject_ids IS NULL OR (json_valid(subject_ids) AND json_type(subject_ids) = 'array'));

-- A changed limit ends the member's open streams at once (like a removal):
-- the browser reconnects and its new stream carries the new limit.
CREATE TRIGGER stream_revoke_member_subjects AFTER UPDATE OF subject_ids ON members
WHEN OLD.removed_at IS NULL AND OLD.subject_ids IS NOT NEW.subject_ids
BEGIN
  DELETE FROM stream_revocations
   WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - 3600000;
  INSERT INTO stream_revocations (member_id, at)
  VALUES (OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

-- Twins in one tap: the entries of one event logged for several people at
-- once share a group id (a client-made UUID), so the timeline can say "both
-- fed" and an undo can remove them together. Each stays an entry of its own.
ALTER TABLE entries ADD COLUMN group_id TEXT;
CREATE INDEX entries_group ON entries(group_id) WHERE group_id IS NOT NULL;
