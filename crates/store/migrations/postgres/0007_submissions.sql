-- Submissions from the field (issue 14): each survey imported from a KoboToolbox or ODK Central
-- export keeps the instance id it came with, so importing the same file again stores nothing
-- new, and a changed resubmission of the same instance is told apart by its content hash. Kept
-- in step with ../sqlite/0007_submissions.sql.
CREATE TABLE survey_submissions (
    instance_id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id),
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    device TEXT,
    enumerator TEXT,
    started_at TEXT,
    ended_at TEXT,
    submitted_at TEXT,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX survey_submissions_by_survey ON survey_submissions (survey_id);
