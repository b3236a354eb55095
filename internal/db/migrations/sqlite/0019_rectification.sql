-- The rectification of weak and lax Party organizations (软弱涣散, M4): an
-- organization on the year's list, from identification to 销号. One row per
-- organization and year.
CREATE TABLE rect_cases (
    id              INTEGER PRIMARY KEY,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    year            INTEGER NOT NULL,
    state           TEXT    NOT NULL,  -- candidate | listed | rectifying | accepted | closed | dismissed
    reason          TEXT    NOT NULL DEFAULT '',  -- official category, set when listed
    repeated        INTEGER NOT NULL DEFAULT 0,   -- was on the list the year before
    measures        TEXT    NOT NULL DEFAULT '',
    leader          TEXT    NOT NULL DEFAULT '',  -- the county-level leader 包联, name and post
    first_secretary INTEGER REFERENCES persons(id),
    deadline        TEXT,
    accepted_on     TEXT,
    closed_on       TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, year)
);
CREATE INDEX rect_cases_year ON rect_cases(year, state);

-- What named an organization a candidate: a published evaluation's grade or
-- veto, the year's residents' cases, or a department's own judgement.
CREATE TABLE rect_evidence (
    id        INTEGER PRIMARY KEY,
    rect_id   INTEGER NOT NULL REFERENCES rect_cases(id),
    source    TEXT    NOT NULL,  -- evaluation | cases | manual
    ref       TEXT    NOT NULL,  -- the campaign, "integrity"/"unsatisfied", or ""
    detail    TEXT    NOT NULL,
    detail_en TEXT    NOT NULL,
    at        TEXT    NOT NULL,
    UNIQUE (rect_id, source, ref)
);

-- The steps of a case, oldest first; rows are never changed.
CREATE TABLE rect_steps (
    id         INTEGER PRIMARY KEY,
    rect_id    INTEGER NOT NULL REFERENCES rect_cases(id),
    step       TEXT    NOT NULL,  -- identify | list | dismiss | plan | progress | accept | reject | close
    month      TEXT    NOT NULL DEFAULT '',  -- progress: YYYY-MM
    note       TEXT    NOT NULL DEFAULT '',
    on_date    TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    actor_name TEXT    NOT NULL
);
CREATE INDEX rect_steps_case ON rect_steps(rect_id, id);
CREATE UNIQUE INDEX rect_steps_month ON rect_steps(rect_id, month) WHERE step = 'progress';

-- Attachments of a progress report or of an acceptance, stored with the
-- step so that both are committed together; images without metadata.
CREATE TABLE rect_files (
    id      INTEGER PRIMARY KEY,
    rect_id INTEGER NOT NULL REFERENCES rect_cases(id),
    step_id INTEGER NOT NULL REFERENCES rect_steps(id),
    name    TEXT    NOT NULL,
    mime    TEXT    NOT NULL,
    size    INTEGER NOT NULL,
    data    BLOB    NOT NULL
);
CREATE INDEX rect_files_step ON rect_files(step_id);
