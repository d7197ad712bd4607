-- Documents kept with a case or one of its records (issue 17 §2). The row says what the document
-- is and where its content is kept: in document_contents (the default), in a directory or in an
-- S3-compatible store, under the document's id. A removed document keeps its row (who removed it, when and why) and loses
-- its content. Kept in step with ../sqlite/0014_documents.sql.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    record_id TEXT REFERENCES case_records(id),
    kind TEXT NOT NULL,
    section TEXT,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    removed_at TEXT,
    removed_by TEXT,
    removed_reason TEXT,
    CONSTRAINT documents_kind_check CHECK (kind IN ('consent', 'skills_document', 'assistance_receipt', 'handover_certificate', 'id_document', 'photo', 'other')),
    CONSTRAINT documents_section_check CHECK (section IN ('health', 'psychosocial', 'gbv_protection', 'trafficking', 'sogiesc')),
    CONSTRAINT documents_file_type_check CHECK (file_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic')),
    CONSTRAINT documents_storage_check CHECK (storage IN ('database', 'directory', 's3'))
);
CREATE INDEX documents_by_case ON documents (case_id, created_at);
CREATE INDEX documents_by_record ON documents (record_id);

CREATE TABLE document_contents (
    document_id TEXT PRIMARY KEY REFERENCES documents(id),
    content BYTEA NOT NULL
);
