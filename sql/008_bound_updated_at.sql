-- 008_bound_updated_at.sql — versions stamped by a phone clock far ahead of
-- the server's (before the API bounded client times to now + 2 min) would
-- win every later edit and delete under last-write-wins. They are brought
-- back to the moment of this upgrade, so the next edit by anyone wins.
UPDATE entries SET updated_at = unixepoch() * 1000
 WHERE updated_at > unixepoch() * 1000 + 120000;
UPDATE entries SET created_at = updated_at WHERE created_at > updated_at;
