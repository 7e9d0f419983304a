-- 002_accounts.sql — people and access: accounts, families, the people cared
-- for, memberships with roles, sessions, invite/access links, sign-in
-- throttling and the audit log. Every secret token is stored only as a hash.

-- An account that signs in with email + password. The instance admin (the
-- consultant) is an account with is_admin = 1.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,             -- server-made UUID
  email         TEXT NOT NULL UNIQUE,         -- normalised: trimmed, lower-case
  name          TEXT NOT NULL,
  password_hash TEXT,                         -- argon2id string; NULL until set (admin bootstrap)
  is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  locale        TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'he', 'fr')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE families (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  timezone    TEXT NOT NULL,                  -- IANA zone, used for daily summaries
  notes       TEXT NOT NULL DEFAULT '',       -- the consultant's notes
  archived_at INTEGER,                        -- archived families are read-only
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- A person cared for: a baby, a child, an elder.
CREATE TABLE subjects (
  id         TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('baby', 'child', 'adult')),
  birth_date TEXT,                            -- YYYY-MM-DD
  sex        TEXT CHECK (sex IN ('female', 'male')),
  colour     TEXT NOT NULL DEFAULT '#5b8def',
  deleted_at INTEGER,                         -- kept so their log keeps its subject
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX subjects_family ON subjects(family_id);

-- Links do double duty: an invite (an account joins the family) and an
-- access link (a device signs in as a guest member, no account needed).
CREATE TABLE links (
  id         TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,            -- BLAKE2b-256 of the token, hex
  role       TEXT NOT NULL CHECK (role IN ('owner', 'caregiver', 'viewer')),
  label      TEXT NOT NULL,                   -- "Grandma's phone": the guest's name
  expires_at INTEGER,
  max_uses   INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
  uses       INTEGER NOT NULL DEFAULT 0,
  created_by TEXT,                            -- member id of the owner who made it
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX links_family ON links(family_id);

-- Membership of an account (user_id) or of a guest device (user_id NULL,
-- guest_name from the link label). Rows are kept after removal (removed_at)
-- because the care log names its authors.
CREATE TABLE members (
  id         TEXT PRIMARY KEY,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
  guest_name TEXT,
  link_id    TEXT REFERENCES links(id) ON DELETE SET NULL,
  role       TEXT NOT NULL CHECK (role IN ('owner', 'caregiver', 'viewer')),
  created_at INTEGER NOT NULL,
  removed_at INTEGER,
  CHECK ((user_id IS NULL) != (guest_name IS NULL))
) STRICT;
CREATE UNIQUE INDEX members_family_user ON members(family_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX members_user ON members(user_id);

-- A signed-in browser. The cookie holds a 256-bit token; only its hash is
-- kept. An account session has user_id; a guest device session has
-- member_id (and the link that made it, so revoking the link ends it).
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,              -- public id, for listing and revoking
  token_hash   TEXT NOT NULL UNIQUE,
  user_id      TEXT REFERENCES users(id) ON DELETE CASCADE,
  member_id    TEXT REFERENCES members(id) ON DELETE CASCADE,
  link_id      TEXT REFERENCES links(id) ON DELETE CASCADE,
  device       TEXT NOT NULL DEFAULT '',      -- "Chrome on Android", never the raw User-Agent
  created_at   INTEGER NOT NULL,
  renewed_at   INTEGER NOT NULL,              -- sliding expiry moves at most hourly
  expires_at   INTEGER NOT NULL,
  CHECK ((user_id IS NULL) != (member_id IS NULL))
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_link ON sessions(link_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- One-time sign-in tokens (the admin's first sign-in link).
CREATE TABLE signin_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
) STRICT;

-- Failed sign-ins, keyed by a keyed hash of the account or client address,
-- so the limit holds across processes and restarts.
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures(key, at);
CREATE INDEX login_failures_at ON login_failures(at);

-- Who did what, when. family_id is NULL for account-level events (sign-ins).
-- The client address is kept only as a keyed hash; detail is small JSON with
-- no secrets.
CREATE TABLE audit_log (
  id              INTEGER PRIMARY KEY,
  family_id       TEXT REFERENCES families(id) ON DELETE CASCADE,
  actor_user_id   TEXT,
  actor_member_id TEXT,
  action          TEXT NOT NULL,
  target          TEXT,
  detail          TEXT NOT NULL DEFAULT '{}',
  addr_hash       TEXT,
  at              INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_family ON audit_log(family_id, id);
CREATE INDEX audit_user ON audit_log(actor_user_id, id);
