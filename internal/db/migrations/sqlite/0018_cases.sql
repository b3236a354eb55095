-- The residents' channel (M5, M8): integrity reports, mediation, service
-- requests and policy opinions as cases with deadlines, escalation and
-- reopening.

-- An account may be linked to the person it belongs to in the member
-- register, so that a cadre's own account never learns of an integrity
-- report about that cadre.
ALTER TABLE users ADD COLUMN person_id INTEGER REFERENCES persons(id);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    kind              TEXT    NOT NULL,  -- integrity | mediation | service | opinion
    state             TEXT    NOT NULL,  -- submitted | accepted | refused | dispatched | in_progress | answered | visited | closed
    outcome           TEXT    NOT NULL DEFAULT '',  -- resolved | not_resolved | not_responsible | duplicate | refused
    duplicate_of      INTEGER REFERENCES cases(id),
    region_code       TEXT    NOT NULL,  -- the place: a village or community, else a township or county
    place             TEXT    NOT NULL DEFAULT '',  -- street and building as typed
    org_id            INTEGER NOT NULL REFERENCES orgs(id),  -- responsible: the case's list is this organization's
    handler_org_id    INTEGER REFERENCES orgs(id),           -- dispatched to (派单)
    subject_org_id    INTEGER REFERENCES orgs(id),           -- integrity: the organization concerned
    subject_person_id INTEGER REFERENCES persons(id),        -- integrity: the cadre, picked from the register
    subject_text      TEXT    NOT NULL DEFAULT '',           -- integrity: the cadre or organization as typed
    topic             TEXT    NOT NULL DEFAULT '',           -- opinions: the policy topic
    title             TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    receipt           BLOB    NOT NULL UNIQUE,  -- slow hash of the receipt code
    received_at       TEXT    NOT NULL,
    accept_due        TEXT    NOT NULL,  -- acceptance deadline (exclusive)
    accepted_at       TEXT,
    handle_due        TEXT,              -- handling deadline, from acceptance; moved by an approved 延期
    answered_at       TEXT,
    deadline          TEXT,              -- the deadline running now; NULL when none is
    escalated_at      TEXT,              -- 督办: once, when a deadline passes
    escalated_org_id  INTEGER REFERENCES orgs(id),
    round             INTEGER NOT NULL DEFAULT 1,  -- 1 + times reopened (重办)
    rating            TEXT    NOT NULL DEFAULT '', -- of the current round: satisfied | fair | unsatisfied
    closed_at         TEXT,
    updated_at        TEXT    NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
-- A subtree's cases by state and deadline, and newest first; both hold
-- what the lists' counts and pages read, so that those read no case row.
CREATE INDEX cases_org ON cases(org_id, kind, state, deadline, escalated_at);
CREATE INDEX cases_org_received ON cases(org_id, kind, received_at);
CREATE INDEX cases_handler ON cases(handler_org_id, kind, state, deadline) WHERE handler_org_id IS NOT NULL;
CREATE INDEX cases_subject_org ON cases(subject_org_id) WHERE subject_org_id IS NOT NULL;
CREATE INDEX cases_running ON cases(deadline) WHERE deadline IS NOT NULL;

-- What happened to a case, in order; rows are never changed.
CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    at         TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    from_state TEXT    NOT NULL DEFAULT '',
    to_state   TEXT    NOT NULL DEFAULT '',
    actor_id   INTEGER REFERENCES users(id),  -- NULL: the reporter or the system
    actor      TEXT    NOT NULL,              -- reporter | system | the account's name
    org_id     INTEGER REFERENCES orgs(id),   -- where a dispatch or an escalation sent the case
    public     INTEGER NOT NULL DEFAULT 0,    -- shown to the reporter
    body       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, id);
CREATE TRIGGER case_events_append_only BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;

-- Attachments, stored with the case so that both are committed together.
CREATE TABLE case_files (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    event_id      INTEGER REFERENCES case_events(id),
    name          TEXT    NOT NULL,
    mime          TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    data          BLOB    NOT NULL
);
CREATE INDEX case_files_case ON case_files(case_id);

-- The reporter's identity and contact, sealed; handlers never read it.
CREATE TABLE case_vault (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    sealed      BLOB    NOT NULL,
    purge_after TEXT              -- set at closure by the retention rules
);

-- Requests to reveal a reporter's identity, decided by a custodian.
CREATE TABLE case_reveals (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT    NOT NULL,
    requested_at TEXT    NOT NULL,
    state        TEXT    NOT NULL,  -- pending | approved | refused
    decided_by   INTEGER REFERENCES users(id),
    decided_at   TEXT,
    note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX case_reveals_case ON case_reveals(case_id);
CREATE INDEX case_reveals_pending ON case_reveals(state) WHERE state = 'pending';

-- Requests for more time (延期), decided by the superior organization.
CREATE TABLE case_extensions (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    days         INTEGER NOT NULL,  -- working days
    reason       TEXT    NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT    NOT NULL,
    state        TEXT    NOT NULL,  -- pending | approved | refused
    decided_by   INTEGER REFERENCES users(id),
    decided_at   TEXT,
    note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX case_extensions_case ON case_extensions(case_id);

-- Official holidays and the weekend days worked instead (调休), by date.
CREATE TABLE case_calendar (
    day        TEXT PRIMARY KEY,  -- 2026-10-01
    kind       TEXT NOT NULL,     -- holiday | workday
    name       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The official schedules of 2025 and 2026 (国务院办公厅); later years are
-- entered on the calendar page.
INSERT INTO case_calendar (day, kind, name, updated_at) VALUES
    ('2025-01-01', 'holiday', '元旦', '2026-01-01T00:00:00.000Z'),
    ('2025-01-26', 'workday', '春节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2025-01-28', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-01-29', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-01-30', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-01-31', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-02-01', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-02-02', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-02-03', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-02-04', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2025-02-08', 'workday', '春节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2025-04-04', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2025-04-05', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2025-04-06', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2025-04-27', 'workday', '劳动节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2025-05-01', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2025-05-02', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2025-05-03', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2025-05-04', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2025-05-05', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2025-05-31', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2025-06-01', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2025-06-02', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2025-09-28', 'workday', '国庆节、中秋节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2025-10-01', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-02', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-03', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-04', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-05', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-06', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-07', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-08', 'holiday', '国庆节、中秋节', '2026-01-01T00:00:00.000Z'),
    ('2025-10-11', 'workday', '国庆节、中秋节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-01-01', 'holiday', '元旦', '2026-01-01T00:00:00.000Z'),
    ('2026-01-02', 'holiday', '元旦', '2026-01-01T00:00:00.000Z'),
    ('2026-01-03', 'holiday', '元旦', '2026-01-01T00:00:00.000Z'),
    ('2026-01-04', 'workday', '元旦调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-02-14', 'workday', '春节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-02-15', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-16', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-17', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-18', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-19', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-20', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-21', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-22', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-23', 'holiday', '春节', '2026-01-01T00:00:00.000Z'),
    ('2026-02-28', 'workday', '春节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-04-04', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2026-04-05', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2026-04-06', 'holiday', '清明节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-01', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-02', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-03', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-04', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-05', 'holiday', '劳动节', '2026-01-01T00:00:00.000Z'),
    ('2026-05-09', 'workday', '劳动节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-06-19', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2026-06-20', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2026-06-21', 'holiday', '端午节', '2026-01-01T00:00:00.000Z'),
    ('2026-09-20', 'workday', '国庆节调休上班', '2026-01-01T00:00:00.000Z'),
    ('2026-09-25', 'holiday', '中秋节', '2026-01-01T00:00:00.000Z'),
    ('2026-09-26', 'holiday', '中秋节', '2026-01-01T00:00:00.000Z'),
    ('2026-09-27', 'holiday', '中秋节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-01', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-02', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-03', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-04', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-05', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-06', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-07', 'holiday', '国庆节', '2026-01-01T00:00:00.000Z'),
    ('2026-10-10', 'workday', '国庆节调休上班', '2026-01-01T00:00:00.000Z');

-- Integrity workstations (廉洁工作站) and their activities.
CREATE TABLE integrity_stations (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL UNIQUE REFERENCES orgs(id),
    name       TEXT    NOT NULL,
    address    TEXT    NOT NULL DEFAULT '',
    staff      TEXT    NOT NULL DEFAULT '',
    hours      TEXT    NOT NULL DEFAULT '',
    phone      TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE station_activities (
    id           INTEGER PRIMARY KEY,
    station_id   INTEGER NOT NULL REFERENCES integrity_stations(id),
    held_on      TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    participants INTEGER NOT NULL DEFAULT 0,
    materials    TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX station_activities_station ON station_activities(station_id, held_on);

-- The transactional outbox: a notification is written with the change that
-- causes it and delivered after the commit, retried with back-off.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    channel       TEXT    NOT NULL,  -- inapp | sms | email
    user_id       INTEGER REFERENCES users(id),  -- inapp: the staff account
    address       BLOB,                          -- sms, email: sealed
    case_id       INTEGER REFERENCES cases(id),
    body          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    next_at       TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    claimed_until TEXT,
    sent_at       TEXT,
    last_error    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE sent_at IS NULL;

-- In-app notifications of staff, one per delivered outbox row.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    outbox_id  INTEGER NOT NULL UNIQUE REFERENCES outbox(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER REFERENCES cases(id),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
