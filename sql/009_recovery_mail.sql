-- 009_recovery_mail.sql — getting back into an account without a third
-- party, and email sent from the server's own queue.
--
-- A reset token is a one-time, short-lived link that lets its holder set a
-- new password and signs them in, ending every other session of the
-- account. The family's owner (for a member), the instance admin (for
-- anyone), `carelogctl reset-link` and "forgot password" (by email) make
-- them. Only the hash of the token is kept; a new one for the same account
-- replaces the old, so at most one works at a time.
CREATE TABLE reset_tokens (
  token_hash TEXT PRIMARY KEY,                -- BLAKE2b-256 of the token, hex
  user_id    TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  via        TEXT NOT NULL CHECK (via IN ('owner', 'admin', 'console', 'email')),
  family_id  TEXT REFERENCES families(id) ON DELETE SET NULL, -- the owner's family, for its audit log
  created_by TEXT,                            -- user id of the owner or admin who made it
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;

-- Mail waiting for the cron-run sender (carelog-push --once). A request
-- never talks to an SMTP server: it queues the whole message here and the
-- sender delivers it, retrying with backoff. The rows hold addresses and
-- text, so they are kept only a while after the last attempt; the logs
-- never see them.
CREATE TABLE mail_outbox (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('reset', 'invite', 'digest')),
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
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_at);

-- The family digest a member opts into, and when the last one went out.
ALTER TABLE users ADD COLUMN digest TEXT NOT NULL DEFAULT 'off'
  CHECK (digest IN ('off', 'daily', 'weekly'));
ALTER TABLE users ADD COLUMN digest_last_at INTEGER;
