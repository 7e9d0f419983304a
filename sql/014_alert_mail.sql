-- 014_alert_mail.sql — alerts by email (issue 19): a missed dose reaches
-- the owners and caregivers whom push cannot reach (no device with
-- notifications on) as mail of kind 'alert'. SQLite cannot change a CHECK,
-- so the outbox is rebuilt with the same columns and the new kind.
CREATE TABLE mail_outbox_new (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('reset', 'invite', 'digest', 'alert')),
  user_id     TEXT REFERENCES users(id) ON DELETE CASCADE, -- NULL for an invite to a new person
  rcpt        TEXT NOT NULL,                  -- the envelope recipient
  message     TEXT NOT NULL,                  -- RFC 5322 message with CRLF line ends
  status      TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  next_at     INTEGER NOT NULL,               -- when a pass may (re)try it
  lease_until INTEGER NOT NULL DEFAULT 0,     -- claimed by a pass until then
  last_error  TEXT NOT NULL DEFAULT '',       -- e.g. "smtp 451" or "connect": never an address
  created_at  INTEGER NOT NULL,
  done_at     INTEGER
) STRICT;
INSERT INTO mail_outbox_new SELECT * FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_at);
