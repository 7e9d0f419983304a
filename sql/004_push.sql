-- 004_push.sql — Web Push: browsers' subscriptions, reminder rules with
-- their opt-ins, per-member quiet hours, and the outbox of messages that the
-- cron-run sender delivers (each claimed by one pass, so none goes twice).

-- A browser's push subscription (PushSubscription.toJSON()), for an account
-- (all its families) or a guest device (its one family).
CREATE TABLE push_subscriptions (
  id           TEXT PRIMARY KEY,
  endpoint     TEXT NOT NULL UNIQUE,
  p256dh       TEXT NOT NULL,                 -- base64url, a 65-byte P-256 point
  auth         TEXT NOT NULL,                 -- base64url, 16 bytes
  user_id      TEXT REFERENCES users(id) ON DELETE CASCADE,
  member_id    TEXT REFERENCES members(id) ON DELETE CASCADE,
  device       TEXT NOT NULL DEFAULT '',
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  delivered    INTEGER NOT NULL DEFAULT 0,    -- messages the push service took
  failures     INTEGER NOT NULL DEFAULT 0,    -- failed attempts since the last success
  last_status  INTEGER,                       -- the push service's last HTTP status
  last_error   TEXT,
  last_sent_at INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  CHECK ((user_id IS NULL) != (member_id IS NULL))
) STRICT;
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);
CREATE INDEX push_subscriptions_member ON push_subscriptions(member_id);

-- A reminder rule for one person. When it is due depends on its kind:
--   feed_due   interval_min after the last feed started (a new feed re-arms it)
--   diaper_due interval_min after the last diaper
--   daily      every day at time_of_day (HH:MM) in the family's zone
--   once       at `at`
-- and a snooze makes it due again at snooze_until. last_due is the due time
-- it last fired for: a pass fires a rule only for a newer due time.
CREATE TABLE reminders (
  id           TEXT PRIMARY KEY,
  family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id   TEXT NOT NULL REFERENCES subjects(id),
  kind         TEXT NOT NULL CHECK (kind IN ('feed_due', 'diaper_due', 'daily', 'once')),
  interval_min INTEGER CHECK (interval_min IS NULL OR interval_min BETWEEN 5 AND 2880),
  time_of_day  TEXT,
  at           INTEGER,
  label        TEXT NOT NULL DEFAULT '',      -- e.g. the medicine: "Vitamin D"
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  snooze_until INTEGER,
  last_due     INTEGER NOT NULL DEFAULT 0,
  created_by   TEXT REFERENCES members(id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX reminders_family ON reminders(family_id);

-- Who wants a rule's notifications (members opt in per rule).
CREATE TABLE reminder_optins (
  reminder_id TEXT NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
  member_id   TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  PRIMARY KEY (reminder_id, member_id)
) STRICT, WITHOUT ROWID;

-- A member's quiet hours in the family's zone (minutes after midnight);
-- start > end wraps past midnight (22:00-07:00).
CREATE TABLE quiet_hours (
  member_id TEXT PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min   INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1439)
) STRICT;

-- The outbox: one message per subscription per firing. `dedupe` names the
-- firing ("<reminder>@<due ms>", "test@<uuid>"), so the same firing can
-- never be queued twice for a subscription. A pass claims pending messages
-- (state 'sending' with a lease) inside one write transaction, so two passes
-- at once never take the same message.
CREATE TABLE push_messages (
  id              INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES push_subscriptions(id) ON DELETE CASCADE,
  reminder_id     TEXT REFERENCES reminders(id) ON DELETE CASCADE,
  dedupe          TEXT NOT NULL,
  payload         TEXT NOT NULL,              -- {title, body, url, tag, actions, data}
  topic           TEXT,
  urgency         TEXT NOT NULL DEFAULT 'normal',
  ttl             INTEGER NOT NULL DEFAULT 3600,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'sending', 'delivered', 'gone', 'too_large',
                                   'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  last_status     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  done_at         INTEGER,
  UNIQUE (subscription_id, dedupe)
) STRICT;
CREATE INDEX push_messages_due ON push_messages(state, next_attempt_at);
