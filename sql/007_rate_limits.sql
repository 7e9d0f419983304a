-- 007_rate_limits.sql — what the sign-in throttle's per-address limit spares
-- (see cgi-bin/lib/throttle.h): the addresses each account signed in from, so
-- one person guessing cannot lock out a whole household behind one router.

-- An account's successful sign-in from an address: a keyed hash of the
-- (email, address) pair and the time of the last one (kept 30 days).
CREATE TABLE login_known (
  key TEXT PRIMARY KEY,
  at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_known_at ON login_known(at);
