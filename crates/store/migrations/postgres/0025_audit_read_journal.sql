-- Reads audited on SQLite wait in a journal file beside the database and are moved into the
-- chain in batches; this table says how far each journal file was moved (see
-- ../sqlite/0025_audit_read_journal.sql and `homeward_store::read_journal`). PostgreSQL appends
-- reads to the chain at once and leaves it empty: kept so both databases have one schema.
CREATE TABLE audit_journal_moved (
    journal TEXT PRIMARY KEY,
    upto BIGINT NOT NULL
);
