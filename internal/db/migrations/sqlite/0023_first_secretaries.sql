-- First secretaries (第一书记, M4): a cadre of the member register sent by a
-- home agency (派出单位) to a village's or a community's organization for a
-- term, with the duties of the dispatch. The dispatch is recorded in the
-- register as the post first_secretary (post_id), so that the register and
-- the ledger agree; a row without a post is a dispatch being recorded. A
-- term ends when it is over (completed) or early, recalled or rotated
-- (召回/轮换), with the reason; the next first secretary of the same
-- organization names it as the term they take over (predecessor_id). The
-- person's name is kept as dispatched, as lists show it without reading
-- the register.
CREATE TABLE fsec_terms (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES persons(id),
    person_name    TEXT    NOT NULL,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),   -- the village (community) organization
    home_agency    TEXT    NOT NULL,                       -- 派出单位
    post_id        INTEGER REFERENCES posts(id),           -- the register's post
    started_on     TEXT    NOT NULL,
    ends_on        TEXT    NOT NULL,                       -- the end of the term as dispatched
    ended_on       TEXT,                                   -- when it ended; NULL while in post
    end_kind       TEXT    NOT NULL DEFAULT '',            -- completed | recalled | rotated
    end_reason     TEXT    NOT NULL DEFAULT '',
    predecessor_id INTEGER REFERENCES fsec_terms(id),      -- the term it takes over from
    duties         TEXT    NOT NULL,
    log_days       INTEGER NOT NULL DEFAULT 0,             -- days with a log entry, kept with each entry
    last_log_on    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fsec_terms_person ON fsec_terms(person_id, started_on);
CREATE INDEX fsec_terms_org ON fsec_terms(org_id, started_on);
CREATE INDEX fsec_terms_ends ON fsec_terms(ends_on);
CREATE UNIQUE INDEX fsec_terms_predecessor ON fsec_terms(predecessor_id);

-- The work log (驻村日志) of a term: dated entries, several a day if need
-- be; rows are never changed.
CREATE TABLE fsec_logs (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER NOT NULL REFERENCES fsec_terms(id),
    logged_on  TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    at         TEXT    NOT NULL,
    actor_name TEXT    NOT NULL
);
CREATE INDEX fsec_logs_term ON fsec_logs(term_id, logged_on);

-- The photos of a log entry, checked and stripped of their metadata,
-- stored with it so that both are committed together.
CREATE TABLE fsec_photos (
    id      INTEGER PRIMARY KEY,
    term_id INTEGER NOT NULL REFERENCES fsec_terms(id),
    log_id  INTEGER NOT NULL REFERENCES fsec_logs(id),
    name    TEXT    NOT NULL,
    mime    TEXT    NOT NULL,
    size    INTEGER NOT NULL,
    data    BLOB    NOT NULL
);
CREATE INDEX fsec_photos_log ON fsec_photos(log_id);

-- The yearly reviews (三述三评) a term is a subject of: campaigns of the
-- evaluation engine, named by id only, as the engine may delete a draft.
CREATE TABLE fsec_reviews (
    term_id     INTEGER NOT NULL REFERENCES fsec_terms(id),
    campaign_id INTEGER NOT NULL,
    subject_id  INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (term_id, campaign_id)
);
CREATE INDEX fsec_reviews_campaign ON fsec_reviews(campaign_id);
