-- The audit log indexed by case in bulk (issue 18 §1). An index on audit_log (case_id, seq) took
-- one random page write per entry, on the one writer every audited read waits for: a page of
-- fifty cases was fifty of them, and the writer became the limit of the whole server. Entries
-- are now appended alone, and `homeward_store::audit::index_by_case` files them by case a
-- second's worth at a time, sorted, into the current period (2^16 entries) of this index, whose
-- keys are short (the random last group of the case's UUID): a batch then touches a few
-- thousand pages instead of one page per entry.
-- `audit_index_head` says up to which entry the index is complete; reading a case's history
-- looks up each period and scans the entries after it. Kept in step with
-- ../postgres/0019_audit_indexed_by_case_in_bulk.sql.
DROP INDEX audit_log_by_case;
CREATE TABLE audit_by_case (
    period INTEGER NOT NULL,
    case_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (period, case_key, seq)
) WITHOUT ROWID;
CREATE TABLE audit_index_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO audit_index_head (id, seq) VALUES (1, 0);
