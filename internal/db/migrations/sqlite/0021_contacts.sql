-- Leaders' contact points (领导干部基层联系点, M7): a leader of the member
-- register, named from the organization they lead from, keeps an
-- organization of that organization's subtree as a contact point for a
-- year and visits it. The leader's name and post are kept as written when
-- the contact point was set: they are public, as on the point's notice
-- board, and shown to readers who may not read the leader's record.
CREATE TABLE contact_points (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons(id),  -- the leader
    leader_name   TEXT    NOT NULL,
    post          TEXT    NOT NULL DEFAULT '',              -- 县委书记, 市委常委 …
    leader_org_id INTEGER NOT NULL REFERENCES orgs(id),     -- the organization the leader leads from
    org_id        INTEGER NOT NULL REFERENCES orgs(id),     -- the contact point, in that organization's subtree
    year          INTEGER NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    visits        INTEGER NOT NULL DEFAULT 0,               -- visits logged, kept with each visit
    last_visit_on TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (person_id, org_id, year)
);
CREATE INDEX contact_points_org ON contact_points(org_id, year);
CREATE INDEX contact_points_leader_org ON contact_points(leader_org_id, year);
CREATE INDEX contact_points_year ON contact_points(year);

-- The visits of a contact point; rows are never changed.
CREATE TABLE contact_visits (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contact_points(id),
    visited_on  TEXT    NOT NULL,
    topics      TEXT    NOT NULL,
    solved      INTEGER NOT NULL DEFAULT 0,   -- problems solved on the visit
    solved_text TEXT    NOT NULL DEFAULT '',
    follow_up   TEXT    NOT NULL DEFAULT '',
    at          TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    UNIQUE (contact_id, visited_on)
);

-- The visits a year each contact point needs, set by a county's or a
-- city's organization department for its subtree: the nearest setting at
-- or above a contact point wins, 4 where none is set.
CREATE TABLE contact_rules (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs(id),
    min_visits INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    actor_name TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- Pairing for co-construction (结对共建, M7): an agency's organization
-- (机关, 事业单位, 国有企业) paired with a grassroots organization (a village,
-- a community, a 两新 organization) from a year, open-ended or to a year.
CREATE TABLE pairings (
    id                INTEGER PRIMARY KEY,
    agency_org_id     INTEGER NOT NULL REFERENCES orgs(id),
    grassroots_org_id INTEGER NOT NULL REFERENCES orgs(id),
    from_year         INTEGER NOT NULL,
    to_year           INTEGER,           -- NULL: ongoing
    note              TEXT    NOT NULL DEFAULT '',
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pairings_agency ON pairings(agency_org_id);
CREATE INDEX pairings_grassroots ON pairings(grassroots_org_id);

-- What a pairing commits to in a year: funds (yuan), projects or
-- activities, each with its target, and how much is done so far (the sum
-- of its completions, kept with each).
CREATE TABLE pairing_commitments (
    id         INTEGER PRIMARY KEY,
    pairing_id INTEGER NOT NULL REFERENCES pairings(id),
    year       INTEGER NOT NULL,
    kind       TEXT    NOT NULL,  -- funds | projects | activities
    target     INTEGER NOT NULL,
    content    TEXT    NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (pairing_id, year, kind)
);

-- A part of a commitment delivered, with its evidence; rows are never
-- changed.
CREATE TABLE pairing_completions (
    id            INTEGER PRIMARY KEY,
    commitment_id INTEGER NOT NULL REFERENCES pairing_commitments(id),
    pairing_id    INTEGER NOT NULL REFERENCES pairings(id),
    done_on       TEXT    NOT NULL,
    amount        INTEGER NOT NULL,
    evidence      TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    actor_name    TEXT    NOT NULL
);
CREATE INDEX pairing_completions_commitment ON pairing_completions(commitment_id, id);

-- The files of a completion's evidence, stored with it so that both are
-- committed together; images without metadata.
CREATE TABLE pairing_files (
    id            INTEGER PRIMARY KEY,
    pairing_id    INTEGER NOT NULL REFERENCES pairings(id),
    completion_id INTEGER NOT NULL REFERENCES pairing_completions(id),
    name          TEXT    NOT NULL,
    mime          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB    NOT NULL
);
CREATE INDEX pairing_files_completion ON pairing_files(completion_id);
