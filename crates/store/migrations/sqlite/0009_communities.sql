-- The community level (issue 16): community profiles (handbook Table 3.1) and community-based
-- reintegration projects with their screening against Table 3.2, participants (a returnee by
-- case, or a member of the community) and ledger in exact minor units per currency. A profile's
-- and a proposal's parts are JSON of their domain types; what is filtered or counted is a column.
-- Kept in step with ../postgres/0009_communities.sql.
CREATE TABLE communities (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    name TEXT NOT NULL,
    country TEXT NOT NULL,
    profile TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX communities_by_office ON communities (office, name);
CREATE TABLE community_projects (
    id TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    office TEXT NOT NULL,
    title TEXT NOT NULL,
    approach TEXT NOT NULL,
    activity TEXT NOT NULL,
    dimension TEXT NOT NULL,
    state TEXT NOT NULL,
    proposal TEXT NOT NULL,
    screening TEXT,
    justification TEXT,
    started_on TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT community_projects_state_check CHECK (state IN ('proposed', 'screened', 'approved', 'running', 'completed', 'abandoned')),
    CONSTRAINT community_projects_dimension_check CHECK (dimension IN ('economic', 'social', 'psychosocial'))
);
CREATE INDEX community_projects_by_community ON community_projects (community_id);
CREATE INDEX community_projects_by_office ON community_projects (office, state);
CREATE TABLE project_participants (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES community_projects(id),
    kind TEXT NOT NULL,
    case_id TEXT REFERENCES cases(id),
    participant TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT project_participants_kind_check CHECK (kind IN ('returnee', 'community_member'))
);
CREATE INDEX project_participants_by_project ON project_participants (project_id);
CREATE INDEX project_participants_by_case ON project_participants (case_id);
CREATE TABLE project_ledger (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES community_projects(id),
    kind TEXT NOT NULL,
    entry_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT project_ledger_kind_check CHECK (kind IN ('planned', 'spent'))
);
CREATE INDEX project_ledger_by_project ON project_ledger (project_id, entry_date);
CREATE TABLE project_satisfaction (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES community_projects(id),
    respondent TEXT NOT NULL,
    sex TEXT NOT NULL,
    age_group TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    satisfied INTEGER NOT NULL,
    comment TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT project_satisfaction_respondent_check CHECK (respondent IN ('returnee', 'community_member')),
    CONSTRAINT project_satisfaction_sex_check CHECK (sex IN ('female', 'male')),
    CONSTRAINT project_satisfaction_age_group_check CHECK (age_group IN ('under_18', '18_24', '25_34', '35_49', '50_plus')),
    CONSTRAINT project_satisfaction_satisfied_check CHECK (satisfied IN (0, 1))
);
CREATE INDEX project_satisfaction_by_project ON project_satisfaction (project_id, answered_on);
CREATE INDEX project_satisfaction_by_date ON project_satisfaction (answered_on);
