-- Retention (issue 17 §4): a closed case's legal hold, which stops the purge, and the day its
-- identity was anonymised. One row per case that has either. Kept in step with
-- ../postgres/0013_retention.sql.
CREATE TABLE case_retention (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    legal_hold TEXT,
    held_by TEXT,
    held_at TEXT,
    anonymised_on TEXT
);
