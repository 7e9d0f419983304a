-- migrate: foreign-keys-off
-- 022_reminders_any_type.sql — reminders "every N hours since the last
-- <type>" for any entry type (issue 18): a kind `since_last` whose
-- `entry_type` is a catalogue type ("bath" is not one; "sleep" is) or one of
-- the family's own ("x-bath"). feed_due and diaper_due stay as they were
-- (they are API contract, and their message tells the feed's side).
-- interval_min may now reach a week (10080 min): "every 3 days since the
-- last nail trim".
--
-- A CHECK cannot be altered in place, so this is SQLite's 12-step table
-- rebuild. The marker above makes the runner (lib/data/db.c) turn foreign
-- keys off before its transaction (with them on, DROP TABLE reminders would
-- delete every reminder_optins and push_messages row that points at it),
-- run PRAGMA foreign_key_check before committing (any row fails the
-- migration) and turn them back on afterwards.
CREATE TABLE reminders_new (
  id           TEXT PRIMARY KEY,
  family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id   TEXT NOT NULL REFERENCES subjects(id),
  kind         TEXT NOT NULL
               CHECK (kind IN ('feed_due', 'diaper_due', 'since_last', 'daily', 'once')),
  entry_type   TEXT CHECK ((kind = 'since_last') = (entry_type IS NOT NULL)),
  interval_min INTEGER CHECK (interval_min IS NULL OR interval_min BETWEEN 5 AND 10080),
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
INSERT INTO reminders_new (id, family_id, subject_id, kind, entry_type, interval_min,
                           time_of_day, at, label, enabled, snooze_until, last_due, created_by,
                           created_at, updated_at)
  SELECT id, family_id, subject_id, kind, NULL, interval_min, time_of_day, at, label, enabled,
         snooze_until, last_due, created_by, created_at, updated_at FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_new RENAME TO reminders;
CREATE INDEX reminders_family ON reminders(family_id);
