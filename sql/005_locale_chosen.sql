-- 005_locale_chosen.sql — whether a person chose their language. Until they
-- do, the API reports locale null and the app follows the browser; the
-- stored locale ('en') still serves server-made text such as notifications.
ALTER TABLE users ADD COLUMN locale_chosen INTEGER NOT NULL DEFAULT 0
  CHECK (locale_chosen IN (0, 1));
