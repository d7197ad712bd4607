-- Audit entries waiting to join the chain: used on PostgreSQL, where writing transactions took
-- turns on the chain's head row (see ../postgres/0027_audit_pending.sql). SQLite has one writer
-- anyway and appends to the chain directly; its reads wait in a journal file of their own.
CREATE TABLE audit_pending (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    case_id TEXT,
    fields TEXT NOT NULL,
    client TEXT NOT NULL,
    case_ids TEXT NOT NULL
);
