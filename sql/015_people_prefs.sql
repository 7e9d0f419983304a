-- 015_people_prefs.sql — who logged an entry, each member's language and
-- units, and a family's choice about sleep guidance.

-- The member who first logged an entry (author_id is whoever wrote its
-- latest version). Entries written before this know only their last
-- writer, which is the best guess of who logged them.
ALTER TABLE entries ADD COLUMN created_by TEXT REFERENCES members(id);
UPDATE entries SET created_by = author_id;

-- The app's language an account chose, any the app speaks ("es", "ar", …).
-- users.locale stays the language the server writes in (notifications:
-- en, he or fr), the chosen one when it has it, else English.
ALTER TABLE users ADD COLUMN ui_locale TEXT
  CHECK (ui_locale IS NULL OR (length(ui_locale) = 2 AND ui_locale GLOB '[a-z][a-z]'));
UPDATE users SET ui_locale = locale WHERE locale_chosen = 1;

-- The units a member reads and types in, each on its own (storage stays
-- metric). NULL: never chosen; the app then follows its language.
ALTER TABLE users ADD COLUMN unit_volume TEXT CHECK (unit_volume IN ('ml', 'fl_oz'));
ALTER TABLE users ADD COLUMN unit_weight TEXT CHECK (unit_weight IN ('kg', 'lb'));
ALTER TABLE users ADD COLUMN unit_length TEXT CHECK (unit_length IN ('cm', 'in'));
ALTER TABLE users ADD COLUMN unit_temperature TEXT CHECK (unit_temperature IN ('c', 'f'));

-- Whether the app shows when a nap is likely due (guidance from age and the
-- baby's own sleep; README "Sleep guidance"). On unless the owner turns it off.
ALTER TABLE families ADD COLUMN sleep_guidance INTEGER NOT NULL DEFAULT 1
  CHECK (sleep_guidance IN (0, 1));
