-- The by-case index of the audit log keyed by an integer, a hash of the case id
-- (`homeward_store::audit::key_of`), instead of the text of the id's last twelve digits: smaller
-- on both databases and cheaper to file (issue 18: filing by case was half of PostgreSQL's work
-- during a list run). The index is derived from the log, so it is made again: emptied, its head
-- back at the start, and the server files the whole log anew in batches after the upgrade; a
-- case's history scans what is not yet filed meanwhile, so it stays complete.
-- Kept in step with ../postgres/0026_audit_by_case_integer_keys.sql.
DROP TABLE audit_by_case;
CREATE TABLE audit_by_case (
    period INTEGER NOT NULL,
    case_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (period, case_key, seq)
) WITHOUT ROWID;
UPDATE audit_index_head SET seq = 0, period = 0, period_rows = 0 WHERE id = 1;
