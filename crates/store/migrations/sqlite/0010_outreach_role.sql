-- The outreach focal point (issue 16; docs/domain.md section 1): a role that works with
-- communities and sees no case data. SQLite cannot change a constraint: the users table is
-- rebuilt with the new role allowed, rows copied, foreign keys off while it is swapped and
-- checked before commit (see the migration runner). Kept in step with
-- ../postgres/0010_outreach_role.sql.
CREATE TABLE users_checked (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    office TEXT,
    provider_id TEXT,
    sections TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    emergency_sharing INTEGER NOT NULL DEFAULT 0 CHECK (emergency_sharing IN (0, 1)),
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'case_manager', 'counsellor', 'me_officer', 'partner', 'outreach')),
    CONSTRAINT users_disabled_check CHECK (disabled IN (0, 1))
);
INSERT INTO users_checked SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_checked RENAME TO users;
