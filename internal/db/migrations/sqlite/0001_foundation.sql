-- The organization tree. path holds the ids from the root down to the row
-- itself ("/1/17/203/") so that a subtree is one index range scan.
CREATE TABLE orgs (
    id             INTEGER PRIMARY KEY,
    parent_id      INTEGER REFERENCES orgs(id),
    path           TEXT    NOT NULL,
    depth          INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    short_name     TEXT    NOT NULL DEFAULT '',
    kind           TEXT    NOT NULL,
    kind_confirmed INTEGER NOT NULL DEFAULT 1,
    category       TEXT    NOT NULL,
    level          TEXT    NOT NULL,
    region_code    TEXT,
    region_name    TEXT    NOT NULL DEFAULT '',
    territorial    INTEGER NOT NULL DEFAULT 0,
    status         TEXT    NOT NULL DEFAULT 'active',
    founded_on     TEXT,
    dissolved_on   TEXT,
    note           TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE UNIQUE INDEX orgs_path ON orgs(path);
CREATE INDEX orgs_parent ON orgs(parent_id, status);
CREATE INDEX orgs_region ON orgs(region_code);
CREATE UNIQUE INDEX orgs_territorial ON orgs(region_code) WHERE territorial = 1;

-- Active strict descendants of each organization by kind and level, kept
-- current by every tree change so that subtree statistics are read, not counted.
CREATE TABLE org_agg (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    kind   TEXT    NOT NULL,
    level  TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind, level)
) WITHOUT ROWID;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    home_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    status        TEXT NOT NULL DEFAULT 'active',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT    NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    created_at TEXT    NOT NULL,
    UNIQUE (user_id, role, org_id)
);
CREATE INDEX grants_org ON grants(org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only: nothing in the application updates or deletes these rows.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    org_path    TEXT    NOT NULL DEFAULT '',
    summary     TEXT    NOT NULL DEFAULT '',
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_org_path ON audit_log(org_path);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE import_sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    status     TEXT NOT NULL,
    total_rows INTEGER NOT NULL,
    payload    TEXT NOT NULL,
    problems   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
