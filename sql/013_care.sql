-- 013_care.sql — caring for an adult (issue 12): the profile of a person
-- cared for (what an emergency card shows), medications on a schedule, and
-- appointments with their calendar feed. Doses are not here: a dose given
-- or skipped is an entry of type medication_dose (client UUID, synced like
-- every entry), whose value names its medication and scheduled time.
-- Every table here that the app shows live takes a seq from seq_counter on
-- each write, so the live stream sends it in order with the entries.

-- The profile of a person cared for, one row per person: blood type,
-- allergies, conditions, doctor and hospital, insurance number, emergency
-- contacts, notes, as one JSON object (checked field by field by
-- families.c; the date of birth stays in subjects.birth_date). Kept apart
-- from subjects because caregivers edit it, while subjects are the
-- owner's; and because it is personal data the audit log never copies.
CREATE TABLE subject_profiles (
  subject_id TEXT PRIMARY KEY REFERENCES subjects(id) ON DELETE CASCADE,
  family_id  TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  data       TEXT NOT NULL,                   -- JSON object, normalised
  updated_by TEXT REFERENCES members(id),
  updated_at INTEGER NOT NULL,
  seq        INTEGER NOT NULL UNIQUE          -- its version, and its place in the stream
) STRICT;
CREATE INDEX subject_profiles_family ON subject_profiles(family_id);

-- A medication of one person. The schedule is one of:
--   times     fixed wall-clock times of day (times: JSON ["08:00","20:00"])
--   interval  every every_hours hours from first_time, as wall-clock times
--             (every_hours divides 24, so each day has the same times and a
--             dose stays at 08:00 across a clock change, as a prescription means)
--   prn       as needed: at least min_interval_min apart, at most max_per_24h
--             in any 24 hours (asked for confirmation, never refused: a dose
--             given is a fact)
-- Supply is derived, never counted down in place: `supply` units were there
-- at supply_at, and each given dose since (one per scheduled time: a
-- duplicate does not count twice) takes its dose away, so edits, deletes,
-- replays and conflicts of doses can never make it drift. refill_alerted
-- says the refill alert went out for the current crossing of refill_at.
-- last_due_fired and last_missed_fired are the scheduled times the push
-- pass last fired "dose due" and "dose missed" for (as reminders.last_due).
CREATE TABLE medications (
  id                TEXT PRIMARY KEY,
  family_id         TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id        TEXT NOT NULL REFERENCES subjects(id),
  name              TEXT NOT NULL,
  form              TEXT NOT NULL CHECK (form IN ('tablet', 'liquid', 'drops', 'patch',
                                                  'inhaler', 'injection', 'other')),
  dose              REAL,
  unit              TEXT NOT NULL DEFAULT '',
  instructions      TEXT NOT NULL DEFAULT '',
  prescriber        TEXT NOT NULL DEFAULT '',
  pharmacy_phone    TEXT NOT NULL DEFAULT '',
  start_date        TEXT NOT NULL,              -- YYYY-MM-DD in the family's zone
  end_date          TEXT,                       -- last day, inclusive
  active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  schedule_kind     TEXT NOT NULL CHECK (schedule_kind IN ('times', 'interval', 'prn')),
  times             TEXT NOT NULL DEFAULT '[]', -- JSON ["HH:MM", ...], sorted
  every_hours       INTEGER CHECK (every_hours IS NULL OR every_hours BETWEEN 1 AND 24),
  first_time        TEXT,                       -- HH:MM, for interval
  min_interval_min  INTEGER CHECK (min_interval_min IS NULL OR min_interval_min BETWEEN 1 AND 10080),
  max_per_24h       INTEGER CHECK (max_per_24h IS NULL OR max_per_24h BETWEEN 1 AND 100),
  supply            REAL,
  supply_at         INTEGER,
  refill_at         REAL,
  refill_alerted    INTEGER NOT NULL DEFAULT 0 CHECK (refill_alerted IN (0, 1)),
  missed_urgent     INTEGER NOT NULL DEFAULT 0 CHECK (missed_urgent IN (0, 1)),
  last_due_fired    INTEGER NOT NULL DEFAULT 0,
  last_missed_fired INTEGER NOT NULL DEFAULT 0,
  created_by        TEXT REFERENCES members(id) ON DELETE SET NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  deleted_at        INTEGER,                    -- a tombstone: its doses keep their name
  seq               INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX medications_family ON medications(family_id, subject_id);

-- Who wants "dose due" notifications of a medication (as reminder_optins).
-- Missed doses and refills go to every owner and caregiver.
CREATE TABLE medication_optins (
  medication_id TEXT NOT NULL REFERENCES medications(id) ON DELETE CASCADE,
  member_id     TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  PRIMARY KEY (medication_id, member_id)
) STRICT, WITHOUT ROWID;

-- Doses by medication and scheduled time, for the schedule, adherence,
-- supply and the double-dose check (the value is JSON; these expressions
-- are the ones those queries use).
CREATE INDEX entries_doses ON entries(json_extract(value, '$.medication_id'),
                                      json_extract(value, '$.scheduled_at'))
  WHERE type = 'medication_dose';

-- An appointment, or a series of them (rrule: an RFC 5545 RRULE subset).
-- dtstart is the first start as wall-clock time in the family's zone
-- ("YYYY-MM-DDTHH:MM"): a weekly 09:00 stays at 09:00 across clock changes.
-- reminders: minutes before each occurrence, JSON [1440, 60].
CREATE TABLE appointments (
  id              TEXT PRIMARY KEY,
  family_id       TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  subject_id      TEXT NOT NULL REFERENCES subjects(id),
  title           TEXT NOT NULL,
  type            TEXT NOT NULL CHECK (type IN ('doctor', 'specialist', 'therapy', 'test',
                                                'dentist', 'other')),
  dtstart         TEXT NOT NULL,
  duration_min    INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 10080),
  location        TEXT NOT NULL DEFAULT '',
  with_whom       TEXT NOT NULL DEFAULT '',
  notes           TEXT NOT NULL DEFAULT '',
  driver_id       TEXT REFERENCES members(id) ON DELETE SET NULL,
  reminders       TEXT NOT NULL DEFAULT '[1440,60]',
  rrule           TEXT,
  last_reminded   INTEGER NOT NULL DEFAULT 0,   -- the push pass's mark (epoch ms)
  created_by      TEXT REFERENCES members(id) ON DELETE SET NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  deleted_at      INTEGER,
  seq             INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX appointments_family ON appointments(family_id);

-- One occurrence of a series cancelled (an EXDATE) or moved (a
-- RECURRENCE-ID override), named by its original start in the family's zone.
CREATE TABLE appointment_exceptions (
  appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
  original       TEXT NOT NULL,               -- "YYYY-MM-DDTHH:MM"
  cancelled      INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  start          INTEGER,                     -- moved: the new start and end, epoch ms
  end            INTEGER,
  PRIMARY KEY (appointment_id, original)
) STRICT, WITHOUT ROWID;

-- A member's calendar feed token (GET /families/{fid}/calendar.ics?token=):
-- one per member, stored hashed, revocable, and worthless once the member
-- leaves the family.
CREATE TABLE calendar_tokens (
  member_id    TEXT PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  family_id    TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT, WITHOUT ROWID;
