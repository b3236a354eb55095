-- Grant ids are never reused. On PostgreSQL grants.id is an identity column
-- backed by a sequence, which never hands out a value twice (the
-- application never sets ids itself), so nothing changes here; the file
-- keeps the schema versions of both engines in step with SQLite's 0007,
-- which rebuilds the table with AUTOINCREMENT.
SELECT 1;
