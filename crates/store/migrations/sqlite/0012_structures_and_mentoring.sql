-- The structural level and mentoring (issue 16): coordination agreements, capacity building with
-- its questionnaires, mentors, mentorships and their sessions. What pages filter and join by is a
-- column; the rest is JSON of the domain's types. Kept in step with ../postgres/0012_*.sql.
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    provider_id TEXT REFERENCES providers(id),
    responsible TEXT NOT NULL,
    signed_on TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    agreement TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT agreements_kind_check CHECK (kind IN ('sop', 'mou', 'data_sharing', 'coordination_mechanism'))
);
CREATE INDEX agreements_by_office ON agreements (office, starts_on);
CREATE INDEX agreements_by_provider ON agreements (provider_id);
CREATE INDEX agreements_by_responsible ON agreements (responsible, ends_on);

-- A provider's data-sharing agreement was a tick in the directory: it becomes an agreement, in
-- force from the day the entry was last verified, with no office or responsible yet (an
-- administrator of every office sees it and completes it), so referrals go on as before.
INSERT INTO agreements (id, office, kind, title, provider_id, responsible, signed_on, starts_on, ends_on, agreement, version, created_at, created_by, updated_at)
SELECT 'dsa-' || id, '', 'data_sharing', 'Data-sharing agreement: ' || organisation, id, '', last_verified, last_verified, NULL,
    json_object('kind', 'data_sharing', 'title', 'Data-sharing agreement: ' || organisation, 'office', '',
        'parties', json_array(organisation), 'provider', id,
        'scope', 'Recorded as a tick in the service directory before agreements were kept: complete its office, responsible, scope and dates',
        'signed_on', last_verified, 'starts_on', last_verified, 'renewal_notice_days', 60, 'responsible', ''),
    1, created_at, 'migration', updated_at
FROM providers WHERE json_extract(data, '$.data_sharing_agreement') = 1;
UPDATE providers SET data = json_remove(data, '$.data_sharing_agreement');

CREATE TABLE capacity_activities (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    title TEXT NOT NULL,
    support TEXT NOT NULL,
    held_on TEXT NOT NULL,
    activity TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX capacity_activities_by_office ON capacity_activities (office, held_on);
CREATE TABLE capacity_participants (
    activity_id TEXT NOT NULL REFERENCES capacity_activities(id),
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (activity_id, stakeholder_id)
);
CREATE TABLE capacity_answers (
    activity_id TEXT NOT NULL REFERENCES capacity_activities(id),
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    moment TEXT NOT NULL,
    answered_on TEXT NOT NULL,
    more_engaged INTEGER,
    questionnaire TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (activity_id, stakeholder_id, moment),
    CONSTRAINT capacity_answers_moment_check CHECK (moment IN ('pre', 'post'))
);
CREATE INDEX capacity_answers_by_date ON capacity_answers (answered_on);

CREATE TABLE mentors (
    id TEXT PRIMARY KEY,
    office TEXT NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    mentor TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mentors_by_office ON mentors (office, name);
CREATE TABLE mentorships (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    mentor_id TEXT NOT NULL REFERENCES mentors(id),
    office TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    baseline REAL,
    priority INTEGER NOT NULL,
    selection TEXT NOT NULL,
    end_reason TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mentorships_by_case ON mentorships (case_id, started_on);
CREATE INDEX mentorships_by_mentor ON mentorships (mentor_id);
CREATE TABLE mentoring_sessions (
    id TEXT PRIMARY KEY,
    mentorship_id TEXT NOT NULL REFERENCES mentorships(id),
    case_id TEXT NOT NULL REFERENCES cases(id),
    held_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    psychosocial TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX mentoring_sessions_by_mentorship ON mentoring_sessions (mentorship_id, held_on);
