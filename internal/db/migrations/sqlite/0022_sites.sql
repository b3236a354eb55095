-- Demonstration sites (示范点, M6, article 3.2): every county-level
-- committee and every city-level 党(工)委 cultivates two or three
-- comprehensive demonstration sites a year and spreads them outward. A site
-- is an organization of the nominating unit's subtree, nominated with its
-- materials, cultivated, accepted by the level above the unit, designated
-- for a year, re-checked every year after and revoked when it no longer
-- stands. One row per organization and year of nomination.
CREATE TABLE sites (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES orgs(id),   -- the site
    nominator_org_id  INTEGER NOT NULL REFERENCES orgs(id),   -- the county or city-level committee that nominated it
    year              INTEGER NOT NULL,                       -- the year of nomination, whose quota it takes
    state             TEXT    NOT NULL,  -- nominated | cultivating | accepted | designated | revoked
    materials         TEXT    NOT NULL,
    accepted_on       TEXT,
    designated_year   INTEGER,           -- the year it is named a site of (命名年度)
    designated_on     TEXT,
    revoked_on        TEXT,
    revoke_reason     TEXT    NOT NULL DEFAULT '',
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, year)
);
CREATE INDEX sites_nominator ON sites(nominator_org_id, year);
CREATE INDEX sites_state ON sites(state, year);

-- The steps of a site, oldest first; rows are never changed.
CREATE TABLE site_steps (
    id         INTEGER PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites(id),
    step       TEXT    NOT NULL,  -- nominate | cultivate | accept | reject | designate | recheck | revoke
    year       INTEGER NOT NULL DEFAULT 0,   -- designate: the year named; recheck: the year checked
    result     TEXT    NOT NULL DEFAULT '',  -- recheck: kept | revoked
    note       TEXT    NOT NULL DEFAULT '',
    on_date    TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    actor_name TEXT    NOT NULL
);
CREATE INDEX site_steps_site ON site_steps(site_id, id);
CREATE UNIQUE INDEX site_steps_recheck ON site_steps(site_id, year) WHERE step = 'recheck';

-- The files of a nomination's materials or of an acceptance's evidence,
-- stored with the step so that both are committed together; images
-- without metadata.
CREATE TABLE site_files (
    id      INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    step_id INTEGER NOT NULL REFERENCES site_steps(id),
    name    TEXT    NOT NULL,
    mime    TEXT    NOT NULL,
    size    INTEGER NOT NULL,
    data    BLOB    NOT NULL
);
CREATE INDEX site_files_step ON site_files(step_id);

-- The organizations a designated site leads (带动), of the nominating
-- unit's subtree, each from the year it was added.
CREATE TABLE site_led (
    id         INTEGER PRIMARY KEY,
    site_id    INTEGER NOT NULL REFERENCES sites(id),
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    year       INTEGER NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    at         TEXT    NOT NULL,
    actor_name TEXT    NOT NULL,
    UNIQUE (site_id, org_id)
);
CREATE INDEX site_led_org ON site_led(org_id);

-- The yearly quota of a nominating unit, set by the organization
-- department above it: at least min_sites, at most max_sites nominations a
-- year. Without a row the quota is 2–3.
CREATE TABLE site_quotas (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    year       INTEGER NOT NULL,
    min_sites  INTEGER NOT NULL,
    max_sites  INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    actor_name TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, year)
);
