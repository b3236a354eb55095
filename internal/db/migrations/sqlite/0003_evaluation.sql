-- Evaluation campaigns (M2): subjects rated by rater groups on anonymous,
-- one-time ballots. Tokens and ballots are kept apart so that nothing in the
-- database links a ballot to the token that cast it.
CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY,
    owner_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    name           TEXT    NOT NULL,
    type           TEXT    NOT NULL,
    year           INTEGER NOT NULL,
    opens_at       TEXT    NOT NULL,
    closes_at      TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'draft',
    rules_json     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    published_at   TEXT,
    results_json   TEXT,
    results_sha256 TEXT
);
CREATE INDEX campaigns_owner ON campaigns(owner_org_id, year);

-- The organizations and people a campaign rates. key is what ballots name
-- ("s17"); rater_groups is a JSON array of the group keys that rate the
-- subject, empty for every group.
CREATE TABLE campaign_subjects (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    key          TEXT,
    kind         TEXT    NOT NULL,
    org_id       INTEGER REFERENCES orgs(id),
    name         TEXT    NOT NULL,
    post         TEXT    NOT NULL DEFAULT '',
    unit         TEXT    NOT NULL DEFAULT '',
    section      TEXT    NOT NULL DEFAULT '',
    report_text  TEXT    NOT NULL DEFAULT '',
    rater_groups TEXT    NOT NULL DEFAULT '[]',
    sort         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (campaign_id, key)
);

-- Ballot tokens, stored only as an HMAC of the code. Using a token changes
-- its status and nothing else: no time of use is kept. WITHOUT ROWID leaves
-- no insertion sequence; rows sit in MAC order.
CREATE TABLE ballot_tokens (
    mac         TEXT    PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    group_key   TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'issued',
    batch       INTEGER NOT NULL,
    issued_at   TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballot_tokens_campaign ON ballot_tokens(campaign_id, group_key, status);

-- Ballots just cast, written in the transaction that spends the token, until
-- the mixer moves them. Random ids and no time or sequence of any kind.
CREATE TABLE ballot_inbox (
    id          TEXT    PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    group_key   TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    tracker     TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballot_inbox_campaign ON ballot_inbox(campaign_id, group_key);

-- Counted ballots, moved by the mixer in shuffled batches under new random
-- ids. There is no token column and no rowid: the physical order is the
-- random id order.
CREATE TABLE ballots (
    id          TEXT    PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    group_key   TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    tracker     TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballots_campaign ON ballots(campaign_id, group_key);
