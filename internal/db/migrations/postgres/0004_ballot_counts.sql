-- Running counts of the counted ballots: how many ballots of a rater group
-- gave a subject a number of points on a leaf indicator. The mixer adds a
-- batch to them in the transaction that moves the batch, so that results
-- read a few rows per subject instead of every ballot. The counts of each
-- value are all the scoring needs: means, trimmed means (highest and lowest
-- value), answers at a scale's lowest level and satisfied answers.
CREATE TABLE ballot_tally (
    campaign_id   BIGINT           NOT NULL REFERENCES campaigns(id),
    subject_key   TEXT             NOT NULL,
    group_key     TEXT             NOT NULL,
    indicator_key TEXT             NOT NULL,
    points        DOUBLE PRECISION NOT NULL,
    n             INTEGER          NOT NULL,
    PRIMARY KEY (campaign_id, subject_key, group_key, indicator_key, points)
);

-- Ballots counted before this table existed.
INSERT INTO ballot_tally (campaign_id, subject_key, group_key, indicator_key, points, n)
SELECT b.campaign_id, s.key, b.group_key, i.key, (i.value #>> '{}')::double precision, COUNT(*)
FROM ballots b, jsonb_each(b.payload::jsonb -> 'scores') s, jsonb_each(s.value) i
GROUP BY b.campaign_id, s.key, b.group_key, i.key, (i.value #>> '{}')::double precision;

-- Tokens per rater group and status, kept by the transactions that issue,
-- spend and revoke them, so that the campaign page and the public bulletin
-- read one row per group. It lets the token index leave out the status:
-- spending a token then rewrites its row and nothing else.
CREATE TABLE ballot_token_counts (
    campaign_id BIGINT  NOT NULL REFERENCES campaigns(id),
    group_key   TEXT    NOT NULL,
    issued      INTEGER NOT NULL DEFAULT 0,
    used        INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, group_key)
);

INSERT INTO ballot_token_counts (campaign_id, group_key, issued, used, revoked)
SELECT campaign_id, group_key, SUM(CASE WHEN status = 'issued' THEN 1 ELSE 0 END),
       SUM(CASE WHEN status = 'used' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'revoked' THEN 1 ELSE 0 END)
FROM ballot_tokens GROUP BY campaign_id, group_key;

DROP INDEX ballot_tokens_campaign;
CREATE INDEX ballot_tokens_campaign ON ballot_tokens(campaign_id, group_key);

-- With the status out of every index, spending a token can be a HOT update
-- (a new row version on the same page, no index touched) when the page has
-- room: leave a third of each new page free for those versions.
ALTER TABLE ballot_tokens SET (fillfactor = 70);
