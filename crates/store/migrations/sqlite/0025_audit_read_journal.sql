-- Reads audited on SQLite wait in a journal file beside the database (`PATH-reads`) and are
-- moved into the chain in batches (issue 18: a commit to this file empties every reader's page
-- cache, and reads' audit commits were hundreds a second; see `homeward_store::read_journal`).
-- The transaction that appends a batch to the chain records here up to which entry of which
-- journal file it moved, so a stop before the journal forgets the batch moves nothing twice.
-- Kept in step with ../postgres/0025_audit_read_journal.sql.
CREATE TABLE audit_journal_moved (
    journal TEXT PRIMARY KEY,
    upto INTEGER NOT NULL
);
