-- Audit entries waiting to join the chain, on PostgreSQL (issue 18 §1). Appending to the chain
-- takes its head row's lock until the commit, so every writing transaction of every app server
-- took turns on that one row. A transaction now inserts its entries here, with its change and
-- without that lock; one mover at a time seals them into the chain in batches
-- (`homeward_store::read_journal::settle`, four times a second and before the log is read),
-- deleting what it moved in the same transaction. Kept in step with
-- ../sqlite/0027_audit_pending.sql.
CREATE TABLE audit_pending (
    n BIGSERIAL PRIMARY KEY,
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
