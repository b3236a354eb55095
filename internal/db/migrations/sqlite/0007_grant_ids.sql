-- Grant ids are never reused. Without AUTOINCREMENT SQLite gives a new row
-- the highest id plus one, so after the newest grant was revoked the next
-- grant took its id, and a revoke form left open on that id removed a grant
-- nobody meant. The table is rebuilt with AUTOINCREMENT, keeping its rows,
-- ids and index; the sequence starts at the highest id kept (an id revoked
-- above it before this migration cannot be known, and may be given once).
CREATE TABLE grants_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT    NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    created_at TEXT    NOT NULL,
    UNIQUE (user_id, role, org_id)
);
INSERT INTO grants_new (id, user_id, role, org_id, created_at)
    SELECT id, user_id, role, org_id, created_at FROM grants ORDER BY id;
DROP TABLE grants;
ALTER TABLE grants_new RENAME TO grants;
CREATE INDEX grants_org ON grants(org_id);
