-- Party-building organizers (党建组织员, M3): graduates recruited by a
-- county in yearly batches, placed in a community or a 两新 organization
-- for a tenure, and their departures.
CREATE TABLE organizer_batches (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    year       INTEGER NOT NULL,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),  -- the recruiting county organization
    planned    INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX organizer_batches_org ON organizer_batches(org_id, year);

CREATE TABLE organizers (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES organizer_batches(id),
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    recruited_on  TEXT    NOT NULL,
    placed_org_id INTEGER REFERENCES orgs(id),  -- a community or a 两新 organization
    placed_on     TEXT,
    tenure_years  INTEGER,
    ends_on       TEXT,                         -- placed_on + tenure
    post_id       INTEGER REFERENCES posts(id), -- the 党建组织员 post the placement holds
    left_on       TEXT,
    leave_reason  TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE INDEX organizers_batch ON organizers(batch_id);
CREATE UNIQUE INDEX organizers_current ON organizers(person_id) WHERE left_on IS NULL;
CREATE INDEX organizers_ends ON organizers(ends_on);

-- Care for members and cadres in hardship (关爱, M7): an application, the
-- township's review, the county's approval and the disbursement. The
-- reasons are personal data and stored sealed like the phone.
CREATE TABLE care_cases (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES persons(id),
    org_id          INTEGER NOT NULL REFERENCES orgs(id),  -- the member's organization when applying
    category        TEXT    NOT NULL,
    reason_sealed   BLOB    NOT NULL,
    requested       INTEGER NOT NULL,  -- yuan
    state           TEXT    NOT NULL,  -- applied | reviewed | approved | paid | rejected
    applied_on      TEXT    NOT NULL,
    year            INTEGER NOT NULL,  -- of the application: yearly totals count by it
    approved_amount INTEGER,           -- the township's amount, confirmed by the county
    paid_amount     INTEGER,
    paid_on         TEXT,
    reviewer_id     INTEGER,           -- the account that reviewed, which may not also approve
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_cases_org ON care_cases(org_id, state);
CREATE INDEX care_cases_person ON care_cases(person_id);
CREATE INDEX care_cases_year ON care_cases(year, org_id);

CREATE TABLE care_steps (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES care_cases(id),
    step        TEXT    NOT NULL,  -- apply | review | approve | disburse
    decision    TEXT    NOT NULL DEFAULT '',  -- approved | rejected
    amount      INTEGER,
    note_sealed BLOB,              -- a refusal's reason, sealed
    org_id      INTEGER NOT NULL REFERENCES orgs(id),  -- the level the step was taken at
    on_date     TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL
);
CREATE INDEX care_steps_case ON care_steps(case_id, id);
