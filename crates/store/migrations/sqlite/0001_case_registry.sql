-- Homeward's case registry on SQLite. Kept in step with ../postgres/0001_case_registry.sql: the
-- same tables and columns, so one set of queries serves both. Dates are ISO 8601 text
-- (YYYY-MM-DD), instants RFC 3339 UTC text; records whose fields are not filtered on are kept
-- as JSON text of their Rust type, validated on the way in and read back through that type.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    office TEXT,
    provider_id TEXT,
    sections TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username),
    created_at TEXT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL UNIQUE,
    office TEXT NOT NULL,
    status TEXT NOT NULL,
    case_manager TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    date_of_return TEXT NOT NULL,
    country_of_origin TEXT NOT NULL,
    profile TEXT NOT NULL,
    schedule TEXT NOT NULL,
    plan_agreed_on TEXT,
    next_follow_up TEXT,
    latest_band TEXT,
    closure TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_by_office ON cases (office, id);
CREATE INDEX cases_by_status ON cases (status, id);
CREATE INDEX cases_by_manager ON cases (case_manager, id);
CREATE INDEX cases_by_follow_up ON cases (next_follow_up);
CREATE INDEX cases_by_band ON cases (latest_band, id);

-- Folded words of the names and the case number, searched by prefix.
CREATE TABLE case_terms (
    term TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (term, case_id)
);
CREATE INDEX case_terms_by_case ON case_terms (case_id);

CREATE TABLE case_records (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    section TEXT,
    record_date TEXT,
    data TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX case_records_by_case ON case_records (case_id, kind, id);

CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    phase TEXT NOT NULL,
    survey_date TEXT NOT NULL,
    location TEXT NOT NULL,
    interviewer TEXT NOT NULL,
    interviewer_is_case_manager INTEGER NOT NULL,
    consent TEXT NOT NULL,
    answers TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX surveys_by_case ON surveys (case_id, survey_date);

-- One row per survey and scoring profile: re-scoring adds a row, never overwrites one.
CREATE TABLE survey_results (
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    profile TEXT NOT NULL,
    profile_status TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    economic REAL,
    social REAL,
    psychosocial REAL,
    composite REAL,
    economic_band TEXT,
    social_band TEXT,
    psychosocial_band TEXT,
    composite_band TEXT,
    dk_dwa_count INTEGER NOT NULL,
    low_accuracy INTEGER NOT NULL,
    scored_at TEXT NOT NULL,
    PRIMARY KEY (survey_id, profile)
);

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    plan_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    content TEXT NOT NULL,
    baseline TEXT,
    attestation TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (case_id, plan_version)
);

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    country TEXT NOT NULL,
    place TEXT NOT NULL,
    data TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    provider_id TEXT NOT NULL REFERENCES providers(id),
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    packet TEXT,
    history TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX referrals_by_case ON referrals (case_id, id);
CREATE INDEX referrals_by_provider ON referrals (provider_id, id);

-- Append-only: every read and write of case data. Each entry's hash covers the previous one's.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    case_id TEXT,
    fields TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_case ON audit_log (case_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The chain's head: one row, updated by every append, which serialises appends.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
