-- The structural level (issue 16): an office's stakeholder map (handbook Table 4.1, Annex 6).
-- What the matrix filters and draws by is a column; the rest is JSON of the domain's Stakeholder.
-- Kept in step with ../postgres/0011_stakeholders.sql.
CREATE TABLE stakeholders (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    interest TEXT NOT NULL,
    influence TEXT NOT NULL,
    stance TEXT NOT NULL,
    stakeholder TEXT NOT NULL,
    mapped_on TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT stakeholders_category_check CHECK (category IN ('line_ministry', 'local_authority', 'cso_ngo', 'private_sector', 'international_organisation', 'diaspora', 'community_leader', 'academia')),
    CONSTRAINT stakeholders_interest_check CHECK (interest IN ('low', 'medium', 'high')),
    CONSTRAINT stakeholders_influence_check CHECK (influence IN ('low', 'medium', 'high')),
    CONSTRAINT stakeholders_stance_check CHECK (stance IN ('supporter', 'neutral', 'obstructor'))
);
CREATE INDEX stakeholders_by_office ON stakeholders (office, name);
