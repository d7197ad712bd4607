-- CHECK constraints on every column that holds a state or another closed set of names, so a
-- value the code does not know can never be stored (a bug, a hand edit, an old binary). Kept in
-- step with ../postgres/0003_checks.sql (a test compares the two schemas). SQLite cannot add a
-- constraint to a table: each table is rebuilt with it, rows copied, with foreign keys off
-- while the tables are swapped and checked before commit (see the migration runner).
-- The cases table also gains its age at return (see ../postgres/0003_checks.sql).

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
    CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'case_manager', 'counsellor', 'me_officer', 'partner')),
    CONSTRAINT users_disabled_check CHECK (disabled IN (0, 1))
);
INSERT INTO users_checked SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_checked RENAME TO users;

CREATE TABLE cases_checked (
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
    updated_at TEXT NOT NULL,
    age_at_return INTEGER NOT NULL,
    CONSTRAINT cases_status_check CHECK (status IN ('pre_departure', 'intake', 'assessment', 'planning', 'plan_agreed', 'in_assistance', 'monitoring', 'closing', 'closed', 'reopened', 'archived')),
    CONSTRAINT cases_sex_check CHECK (sex IN ('female', 'male')),
    CONSTRAINT cases_latest_band_check CHECK (latest_band IN ('intensive', 'standard', 'light'))
);
INSERT INTO cases_checked SELECT *, CAST(substr(date_of_return, 1, 4) AS BIGINT) - CAST(substr(date_of_birth, 1, 4) AS BIGINT) - (CASE WHEN substr(date_of_return, 6, 5) < substr(date_of_birth, 6, 5) THEN 1 ELSE 0 END) FROM cases;
DROP TABLE cases;
ALTER TABLE cases_checked RENAME TO cases;
CREATE INDEX cases_by_office ON cases (office, id);
CREATE INDEX cases_by_status ON cases (status, id);
CREATE INDEX cases_by_manager ON cases (case_manager, id);
CREATE INDEX cases_by_follow_up ON cases (next_follow_up);
CREATE INDEX cases_by_band ON cases (latest_band, id);

CREATE TABLE case_records_checked (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    section TEXT,
    record_date TEXT,
    data TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT case_records_kind_check CHECK (kind IN ('household_member', 'consent', 'counselling_session', 'vulnerability_assessment', 'risk_assessment', 'skills_assessment', 'feasibility_check', 'assistance', 'follow_up', 'sensitive_note', 'unmet_need')),
    CONSTRAINT case_records_section_check CHECK (section IN ('health', 'psychosocial', 'gbv_protection', 'trafficking', 'sogiesc'))
);
INSERT INTO case_records_checked SELECT * FROM case_records;
DROP TABLE case_records;
ALTER TABLE case_records_checked RENAME TO case_records;
CREATE INDEX case_records_by_case ON case_records (case_id, kind, id);

CREATE TABLE surveys_checked (
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
    created_by TEXT NOT NULL,
    CONSTRAINT surveys_phase_check CHECK (phase IN ('baseline', 'intermediate', 'final', 'ad_hoc')),
    CONSTRAINT surveys_location_check CHECK (location IN ('office', 'phone', 'on_site')),
    CONSTRAINT surveys_interviewer_is_case_manager_check CHECK (interviewer_is_case_manager IN (0, 1))
);
INSERT INTO surveys_checked SELECT * FROM surveys;
DROP TABLE surveys;
ALTER TABLE surveys_checked RENAME TO surveys;
CREATE INDEX surveys_by_case ON surveys (case_id, survey_date);

CREATE TABLE survey_results_checked (
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
    PRIMARY KEY (survey_id, profile),
    CONSTRAINT survey_results_profile_status_check CHECK (profile_status IN ('provisional', 'official', 'custom')),
    CONSTRAINT survey_results_status_check CHECK (status IN ('scored', 'discarded', 'invalid')),
    CONSTRAINT survey_results_economic_band_check CHECK (economic_band IN ('intensive', 'standard', 'light')),
    CONSTRAINT survey_results_social_band_check CHECK (social_band IN ('intensive', 'standard', 'light')),
    CONSTRAINT survey_results_psychosocial_band_check CHECK (psychosocial_band IN ('intensive', 'standard', 'light')),
    CONSTRAINT survey_results_composite_band_check CHECK (composite_band IN ('intensive', 'standard', 'light')),
    CONSTRAINT survey_results_low_accuracy_check CHECK (low_accuracy IN (0, 1))
);
INSERT INTO survey_results_checked SELECT * FROM survey_results;
DROP TABLE survey_results;
ALTER TABLE survey_results_checked RENAME TO survey_results;

CREATE TABLE plans_checked (
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
    UNIQUE (case_id, plan_version),
    CONSTRAINT plans_state_check CHECK (state IN ('draft', 'agreed', 'active', 'revised', 'completed', 'abandoned'))
);
INSERT INTO plans_checked SELECT * FROM plans;
DROP TABLE plans;
ALTER TABLE plans_checked RENAME TO plans;

CREATE TABLE referrals_checked (
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
    updated_at TEXT NOT NULL,
    CONSTRAINT referrals_state_check CHECK (state IN ('proposed', 'urgent', 'consented', 'sent', 'acknowledged', 'in_service', 'completed', 'declined', 'no_show', 'service_unavailable', 'cancelled'))
);
INSERT INTO referrals_checked SELECT * FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_checked RENAME TO referrals;
CREATE INDEX referrals_by_case ON referrals (case_id, id);
CREATE INDEX referrals_by_provider ON referrals (provider_id, id);

-- The M&E cohort counts returnees by return date, sex and age at return: one pass of an
-- index in its order (of every office, or of one), so nothing is sorted.
CREATE INDEX cases_by_return ON cases (date_of_return, sex, age_at_return, office);
CREATE INDEX cases_by_office_return ON cases (office, date_of_return, sex, age_at_return);
CREATE INDEX cases_with_plan ON cases (plan_agreed_on) WHERE plan_agreed_on IS NOT NULL;
CREATE INDEX referrals_by_date ON referrals (created_at);
CREATE INDEX case_records_by_kind ON case_records (kind, record_date);
CREATE INDEX surveys_by_date ON surveys (survey_date);
