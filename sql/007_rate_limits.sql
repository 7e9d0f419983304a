-- 007_rate_limits.sql — rate limits beyond failed sign-ins (registration and
-- test notifications), and what the sign-in throttle's per-address limit
-- spares: the addresses each account signed in from, so one person guessing
-- cannot lock out a whole household. See cgi-bin/lib/throttle.h.

-- One row per allowed event, keyed by a keyed hash of the purpose and who
-- (a client address, an account); rows older than a day are dropped.
CREATE TABLE rate_events (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_events_key ON rate_events(key, at);
CREATE INDEX rate_events_at ON rate_events(at);

-- An account's successful sign-in from an address: a keyed hash of the
-- (email, address) pair and the time of the last one (kept 30 days).
CREATE TABLE login_known (
  key TEXT PRIMARY KEY,
  at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_known_at ON login_known(at);
