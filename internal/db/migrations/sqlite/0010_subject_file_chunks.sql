-- Report files are kept in chunks of 64 KiB instead of one blob, so that a
-- Range request or a slow reader costs one chunk at a time: SQLite reads a
-- blob value whole even to return a few bytes of it. The files are moved to
-- the chunks and the blob column dropped.
CREATE TABLE subject_file_chunks (
    file_id TEXT    NOT NULL REFERENCES subject_files(id),
    seq     INTEGER NOT NULL,
    data    BLOB    NOT NULL,
    PRIMARY KEY (file_id, seq)
);
INSERT INTO subject_file_chunks (file_id, seq, data)
WITH RECURSIVE c(id, seq, size) AS (
    SELECT id, 0, length(data) FROM subject_files
    UNION ALL
    SELECT id, seq + 1, size FROM c WHERE (seq + 1) * 65536 < size
)
SELECT c.id, c.seq, substr(f.data, c.seq * 65536 + 1, 65536) FROM c JOIN subject_files f ON f.id = c.id;
ALTER TABLE subject_files DROP COLUMN data;
