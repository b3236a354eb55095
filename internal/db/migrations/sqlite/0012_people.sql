-- Persons and their Party membership (M3, M4, M7). The ID card number and
-- the phone are stored sealed (AES-GCM under a key outside the database);
-- the ID number is found by a keyed index, never by its text.
CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    name_key     TEXT    NOT NULL,  -- pinyin collation key, hex: lists sort by it
    gender       TEXT    NOT NULL,  -- male | female
    birth_date   TEXT    NOT NULL,  -- YYYY-MM-DD
    ethnicity    TEXT    NOT NULL,  -- GB 3304 code
    education    TEXT    NOT NULL,  -- GB/T 4658 code
    id_sealed    BLOB    NOT NULL,
    id_index     TEXT    NOT NULL UNIQUE,
    id_mask      TEXT    NOT NULL,  -- 450102********1234
    phone_sealed BLOB,
    phone_mask   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX persons_name ON persons(name_key, id);

-- A person's membership of one organization over a stretch of time; the
-- current one is active. Transfers end one and start the next.
CREATE TABLE memberships (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES persons(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    kind           TEXT    NOT NULL,  -- full | probationary
    joined_on      TEXT    NOT NULL,  -- admitted to the Party (probation began)
    full_on        TEXT,              -- converted to full membership
    status         TEXT    NOT NULL,  -- normal | floating | lost | suspended | expelled | deceased | transferred_out
    floating_where TEXT    NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1,
    started_on     TEXT    NOT NULL,
    ended_on       TEXT,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX memberships_current ON memberships(person_id) WHERE active = 1;
CREATE INDEX memberships_org ON memberships(org_id, active);

-- Every step of a membership, oldest first: the member's timeline.
CREATE TABLE membership_events (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    kind          TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT '',
    detail_en     TEXT    NOT NULL DEFAULT '',
    on_date       TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    actor_name    TEXT    NOT NULL
);
CREATE INDEX membership_events_person ON membership_events(person_id, id);

-- Active members of each organization's subtree (itself included), one
-- dimension at a time (gender, birth year, education, ethnicity, year of
-- joining, status, kind; "all" for the total), kept current like org_agg.
CREATE TABLE people_agg (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    dim    TEXT    NOT NULL,
    val    TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (org_id, dim, val)
) WITHOUT ROWID;

-- Posts people hold in an organization (书记, 委员, 第一书记 …) over time;
-- the current ones have no end.
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    post        TEXT    NOT NULL,
    home_agency TEXT    NOT NULL DEFAULT '',  -- a first secretary's sending agency, an instructor's host unit
    started_on  TEXT    NOT NULL,
    ended_on    TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX posts_org ON posts(org_id, post);
CREATE INDEX posts_person ON posts(person_id);

-- Terms (届) of an organization's committee: elected on a date for a number
-- of years; the next election (换届) is due at the end.
CREATE TABLE org_terms (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    elected_on TEXT    NOT NULL,
    years      INTEGER NOT NULL,
    due_on     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX org_terms_org ON org_terms(org_id, elected_on);
CREATE INDEX org_terms_due ON org_terms(due_on);

-- Village and community cadres' yearly basic pay (M3), in yuan, and the
-- per-capita disposable incomes it is held to: the floor is last year's
-- income of the county (or city) above, times a factor.
CREATE TABLE cadre_pay (
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    year       INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    basic_pay  INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (person_id, year)
);
CREATE INDEX cadre_pay_org ON cadre_pay(org_id, year);

CREATE TABLE reference_incomes (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    year   INTEGER NOT NULL,
    rural  INTEGER NOT NULL,
    urban  INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);
