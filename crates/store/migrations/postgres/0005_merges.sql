-- Merged duplicates (issue 13): the same person registered twice. A supervisor merges one case
-- into the other; every record moves to the kept case, and this row is how the merged case
-- points to it (and the kept case lists what was merged into it). Kept in step with
-- ../sqlite/0005_merges.sql.
CREATE TABLE case_merges (
    merged_case TEXT PRIMARY KEY REFERENCES cases(id),
    kept_case TEXT NOT NULL REFERENCES cases(id),
    reason TEXT NOT NULL,
    merged_at TEXT NOT NULL,
    merged_by TEXT NOT NULL,
    CONSTRAINT case_merges_not_itself CHECK (merged_case <> kept_case)
);
CREATE INDEX case_merges_by_kept ON case_merges (kept_case);
