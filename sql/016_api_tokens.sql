-- 016_api_tokens.sql — personal API tokens for the Baby Buddy-compatible
-- API (/api/..., cgi-bin/babybuddy.c), and the numbers that API shows for
-- carelog's UUIDs.

-- A token a member made in settings for one family: named ("Home
-- Assistant"), stored only as a hash (BLAKE2b-256 hex, like sessions), with
-- its last use. It acts with its member's current role there: a viewer's
-- token reads only, and a removed member's token stops working.
CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  member_id    TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_family ON api_tokens(family_id, member_id);

-- Baby Buddy's clients name children and records by integers; carelog by
-- UUIDs (people, entries). Each UUID gets its number the first time that API
-- shows it, and keeps it.
CREATE TABLE compat_ids (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  ref TEXT NOT NULL UNIQUE
) STRICT;
