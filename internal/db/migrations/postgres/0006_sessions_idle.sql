-- When a session was last used, so that a session left open ends after a
-- while without use (the idle timeout) and not only at its absolute expiry.
-- Written at most once a minute per session. Existing sessions count from
-- their login.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
