-- Work reports (述职报告) attached to campaign subjects as a PDF or as
-- images, which raters open from the ballot. The bytes are kept in the
-- database, so that a backup holds them and no file store has to be set up.
-- ids are random: the public link of one file tells nothing of another's.
-- width and height are an image's pixel size (0 for a PDF), so that the
-- ballot reserves its place before it loads.
CREATE TABLE subject_files (
    id           TEXT    PRIMARY KEY,
    campaign_id  BIGINT  NOT NULL REFERENCES campaigns(id),
    subject_id   BIGINT  NOT NULL REFERENCES campaign_subjects(id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    sort         INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    data         BYTEA   NOT NULL
);
CREATE INDEX subject_files_subject ON subject_files(campaign_id, subject_id, sort);
