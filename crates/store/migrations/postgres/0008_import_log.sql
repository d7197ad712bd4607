-- The import log (issue 14): every import that stored (a file, or one submission sent by ODK
-- Collect) with what it did, and the rows that were not simply stored (refused, a changed
-- resubmission, a derived question the form computed otherwise) with their reasons, tied to
-- their case when the number named one: shown on the case and on the log page. Uploads from
-- the web app wait here between their preview and their import (the app servers keep nothing).
-- Kept in step with ../sqlite/0008_import_log.sql.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT,
    created INTEGER NOT NULL,
    already_imported INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    refused INTEGER NOT NULL
);
CREATE INDEX imports_by_actor ON imports (actor, at);
CREATE INDEX imports_by_time ON imports (at);
CREATE TABLE import_rows (
    import_id TEXT NOT NULL REFERENCES imports(id),
    row_number INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    instance_id TEXT,
    case_number TEXT,
    case_id TEXT REFERENCES cases(id),
    column_name TEXT,
    reason TEXT,
    note TEXT
);
CREATE INDEX import_rows_by_import ON import_rows (import_id, row_number);
CREATE INDEX import_rows_by_case ON import_rows (case_id);
CREATE TABLE import_uploads (
    id TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_at TEXT NOT NULL
);
