-- 018_alerts_inbox.sql — the in-app inbox and the emergency alert (issue 13).
-- Every notification the server sends is stored per member (the inbox is the
-- source of truth; push is a copy that may never arrive), with what it says
-- as structured fields so the app renders it in the reader's language, and
-- what it is about so the app can open it. Members choose per kind which
-- ones also come as push. An emergency alert is raised by a member for the
-- whole family; every member answers it once (changeable), and the sender
-- or an owner resolves it. Inbox rows and alerts take a seq from
-- seq_counter, so the live stream sends them in order with everything else.

CREATE TABLE inbox (
  id         INTEGER PRIMARY KEY,
  member_id  TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('reminder', 'dose_due', 'dose_missed', 'refill',
                                           'appointment', 'alert', 'shift', 'role_changed',
                                           'removed')),
  about      TEXT NOT NULL CHECK (about IN ('reminder', 'medication', 'appointment', 'alert',
                                            'shift', 'family')),
  about_id   TEXT NOT NULL,
  subject_id TEXT,
  data       TEXT NOT NULL DEFAULT '{}',      -- JSON object: the fields the text is made of
  dedupe     TEXT NOT NULL,                   -- names the firing: stored once per member
  created_at INTEGER NOT NULL,
  read_at    INTEGER,
  seq        INTEGER NOT NULL UNIQUE,
  UNIQUE (member_id, dedupe)
) STRICT;
CREATE INDEX inbox_member ON inbox(member_id, id);
CREATE INDEX inbox_unread ON inbox(member_id) WHERE read_at IS NULL;

-- Which kinds also come as push, per account (or guest member): a row
-- only where the member chose; no row means push on.
CREATE TABLE notify_prefs (
  user_id   TEXT REFERENCES users(id) ON DELETE CASCADE,
  member_id TEXT REFERENCES members(id) ON DELETE CASCADE,
  kind      TEXT NOT NULL,
  push      INTEGER NOT NULL CHECK (push IN (0, 1)),
  CHECK ((user_id IS NULL) != (member_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX notify_prefs_who ON notify_prefs(coalesce(user_id, member_id), kind);

CREATE TABLE alerts (
  id          TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  sender_id   TEXT NOT NULL REFERENCES members(id),
  type        TEXT NOT NULL CHECK (type IN ('fall', 'breathing', 'chest_pain', 'confusion',
                                            'other')),
  message     TEXT NOT NULL DEFAULT '',
  lat         REAL,
  lon         REAL,
  accuracy    REAL,
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT REFERENCES members(id),
  resolve_note TEXT,
  updated_at  INTEGER NOT NULL,
  seq         INTEGER NOT NULL UNIQUE           -- moves on with each answer and the resolution
) STRICT;
CREATE INDEX alerts_family ON alerts(family_id, created_at);

CREATE TABLE alert_answers (
  alert_id    TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  member_id   TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  answer      TEXT NOT NULL CHECK (answer IN ('on_my_way', 'cannot')),
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (alert_id, member_id)
) STRICT, WITHOUT ROWID;
