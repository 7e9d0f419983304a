-- 017_shifts.sql — caregiver shifts and handoffs (issue 13): who is on
-- duty for a person cared for, when, and what the last caregiver told the
-- next. Both tables take a seq from seq_counter on every write, so the live
-- stream sends them in order with the entries and the care records.

-- A shift, or a weekly series of them. dtstart is the first start as
-- wall-clock time in the family's zone ("YYYY-MM-DDTHH:MM"), as for
-- appointments, so a weekly 08:00 shift stays at 08:00 across a clock
-- change; rrule (FREQ=WEEKLY only, lib/data/rrule.c) makes it a series.
-- caregiver_id NULL is an open shift that any caregiver may take.
-- last_soon_fired / last_unstaffed_fired: the occurrence starts the push
-- pass last fired "your shift starts in 1 h" and "nobody checked in" for.
CREATE TABLE shifts (
  id                   TEXT PRIMARY KEY,
  family_id            TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id           TEXT NOT NULL REFERENCES subjects(id),
  caregiver_id         TEXT REFERENCES members(id) ON DELETE SET NULL,
  dtstart              TEXT NOT NULL,
  duration_min         INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 1440),
  rrule                TEXT,
  notes                TEXT NOT NULL DEFAULT '',
  last_soon_fired      INTEGER NOT NULL DEFAULT 0,
  last_unstaffed_fired INTEGER NOT NULL DEFAULT 0,
  created_by           TEXT REFERENCES members(id) ON DELETE SET NULL,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  deleted_at           INTEGER,
  seq                  INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX shifts_family ON shifts(family_id, subject_id);

-- One occurrence of a shift as it happened: who checked in and when (the
-- time the phone says it happened: a check-in queued offline keeps its
-- moment), when they checked out, and the handoff: their note and the
-- digest the server made at check-out of what was logged for the person
-- during the shift (JSON, lib/data/shifts.c). One row per occurrence
-- (named by its planned start, epoch ms), so a retried check-in is the
-- same row.
CREATE TABLE shift_visits (
  id              TEXT PRIMARY KEY,
  shift_id        TEXT NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
  occurrence      INTEGER NOT NULL,
  family_id       TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id      TEXT NOT NULL REFERENCES subjects(id),
  member_id       TEXT REFERENCES members(id) ON DELETE SET NULL,
  checked_in_at   INTEGER NOT NULL,
  checked_out_at  INTEGER CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at),
  note            TEXT NOT NULL DEFAULT '',
  digest          TEXT,
  updated_at      INTEGER NOT NULL,
  seq             INTEGER NOT NULL UNIQUE,
  UNIQUE (shift_id, occurrence)
) STRICT;
CREATE INDEX shift_visits_subject ON shift_visits(subject_id, checked_out_at);
CREATE INDEX shift_visits_family ON shift_visits(family_id);
