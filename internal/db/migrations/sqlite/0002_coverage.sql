-- 两新 host units (法人单位) and how Party organizations cover them (M1).
CREATE TABLE units (
    id                   INTEGER PRIMARY KEY,
    credit_code          TEXT    NOT NULL UNIQUE,
    name                 TEXT    NOT NULL,
    category             TEXT    NOT NULL,
    category_confirmed   INTEGER NOT NULL DEFAULT 0,
    industry             TEXT    NOT NULL DEFAULT '',
    employees            INTEGER NOT NULL DEFAULT 0,
    size_class           TEXT    NOT NULL,
    region_code          TEXT    NOT NULL,
    address              TEXT    NOT NULL DEFAULT '',
    legal_rep            TEXT    NOT NULL DEFAULT '',
    legal_rep_member     INTEGER NOT NULL DEFAULT 0,
    full_members         INTEGER NOT NULL DEFAULT 0,
    probationary_members INTEGER NOT NULL DEFAULT 0,
    affiliation_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    coverage             TEXT    NOT NULL DEFAULT 'none',
    coverage_org_id      INTEGER REFERENCES orgs(id),
    instructor           TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL DEFAULT 'active',
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE INDEX units_affiliation ON units(affiliation_org_id, status);
CREATE INDEX units_coverage_org ON units(coverage_org_id);
CREATE INDEX units_region ON units(region_code);

-- Every change of a unit's coverage, oldest first; the current state is also on the unit.
CREATE TABLE unit_coverage_history (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    coverage        TEXT    NOT NULL,
    coverage_org_id INTEGER,
    instructor      TEXT    NOT NULL DEFAULT '',
    changed_at      TEXT    NOT NULL,
    actor_name      TEXT    NOT NULL,
    note            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX unit_coverage_history_unit ON unit_coverage_history(unit_id, id);

-- Active units affiliated to each organization's subtree (itself included)
-- by category, size class, industry and coverage, kept current like org_agg.
CREATE TABLE coverage_agg (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    category   TEXT    NOT NULL,
    size_class TEXT    NOT NULL,
    industry   TEXT    NOT NULL,
    coverage   TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (org_id, category, size_class, industry, coverage)
) WITHOUT ROWID;

-- Rates of each organization's subtree at the end of each month, written by
-- the monthly snapshot so that trends are read, not replayed.
CREATE TABLE coverage_monthly (
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    month        TEXT    NOT NULL,
    units        INTEGER NOT NULL,
    org_covered  INTEGER NOT NULL,
    work_covered INTEGER NOT NULL,
    PRIMARY KEY (org_id, month)
) WITHOUT ROWID;

-- Goal sets such as "4+1": indicators with yearly targets per scope.
CREATE TABLE goal_sets (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    owner_org_id INTEGER NOT NULL REFERENCES orgs(id),
    created_at   TEXT    NOT NULL
);
CREATE TABLE goal_targets (
    set_id    INTEGER NOT NULL REFERENCES goal_sets(id),
    indicator TEXT    NOT NULL,
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    target    REAL    NOT NULL,
    PRIMARY KEY (set_id, indicator, org_id)
);

-- Settings the department may change, such as the size-class threshold.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
