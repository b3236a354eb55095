-- Report files are kept in chunks of 64 KiB instead of one value, so that a
-- Range request or a slow reader costs one chunk at a time: a bytea value is
-- read and decompressed whole to return a few bytes of it. The chunks are
-- stored uncompressed (PDFs and images are compressed already), which lets
-- substr read only the part it returns. The files are moved to the chunks
-- and the old column dropped.
CREATE TABLE subject_file_chunks (
    file_id TEXT    NOT NULL REFERENCES subject_files(id),
    seq     INTEGER NOT NULL,
    data    BYTEA   NOT NULL,
    PRIMARY KEY (file_id, seq)
);
ALTER TABLE subject_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
INSERT INTO subject_file_chunks (file_id, seq, data)
SELECT f.id, g.seq, substring(f.data FROM g.seq * 65536 + 1 FOR 65536)
FROM subject_files f, generate_series(0, (length(f.data) - 1) / 65536) AS g(seq);
ALTER TABLE subject_files DROP COLUMN data;
