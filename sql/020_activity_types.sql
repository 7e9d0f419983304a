-- 020_activity_types.sql — activity types a family defines for itself
-- (issue 18): a bath, potty, vitamin D drops, skin-to-skin. Entries of such
-- a type are ordinary entries whose type is 'x-' || key: built-in type
-- names are names (a-z, 0-9, _: catalogue.c refuses any other character),
-- so no built-in type can ever be spelled with the '-' and no family's type
-- can ever shadow one, whatever the catalogue adds later.
--
-- A definition (fields: a JSON array of {key, kind, label?, unit?,
-- options?, archived?}) is turned by lib/data/acttype.c into the same type
-- description the catalogue produces, so entries of it are checked by the
-- catalogue's validator. Changes are compatible by construction: a field
-- or choice is never removed or retyped (it can be archived: hidden from
-- forms, still valid), a type's duration is fixed when it is made, and
-- added fields are optional, so every entry made with an older version is
-- valid under every newer one. `version` counts the changes (the app's
-- cache and the event show it); `seq` is its place in the live stream.
CREATE TABLE activity_types (
  id          TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  key         TEXT NOT NULL,                  -- entries' type is 'x-' || key
  names       TEXT NOT NULL,                  -- JSON {"<lang>": "Bath", ...}, "en" at least
  icon        TEXT NOT NULL,
  colour      TEXT NOT NULL,
  subject_ids TEXT NOT NULL DEFAULT '[]',     -- JSON [ids]; [] = every person
  fields      TEXT NOT NULL,                  -- JSON array, normalised
  version     INTEGER NOT NULL DEFAULT 1,
  archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  seq         INTEGER NOT NULL UNIQUE,
  UNIQUE (family_id, key)
) STRICT;
