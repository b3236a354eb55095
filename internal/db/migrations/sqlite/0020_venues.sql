-- Venues (阵地, M3): each organization's activity venue — area, functions,
-- opening hours, facilities, address — with up to five photos, and the
-- standards a county or a city sets for the venues of its villages and
-- communities (the nearest standard above an organization applies).
CREATE TABLE venues (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    area          INTEGER NOT NULL,             -- m², whole
    functions     TEXT    NOT NULL,             -- keys of the fixed list, comma-separated, in the list's order
    opening_hours TEXT    NOT NULL,
    facilities    TEXT    NOT NULL DEFAULT '',
    address       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    updated_by    TEXT    NOT NULL,             -- the account's name
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX venues_org ON venues(org_id);

-- Photos of a venue, checked and stripped of their metadata, stored like
-- a case's files.
CREATE TABLE venue_photos (
    id         INTEGER PRIMARY KEY,
    venue_id   INTEGER NOT NULL REFERENCES venues(id),
    name       TEXT    NOT NULL,
    mime       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    created_at TEXT    NOT NULL,
    created_by TEXT    NOT NULL
);
CREATE INDEX venue_photos_venue ON venue_photos(venue_id, id);

CREATE TABLE venue_standards (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),  -- a county's or a city's organization
    kind       TEXT    NOT NULL,                      -- rural | community
    min_area   INTEGER NOT NULL,                      -- m²
    functions  TEXT    NOT NULL,                      -- required, comma-separated
    updated_at TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    PRIMARY KEY (org_id, kind)
);
