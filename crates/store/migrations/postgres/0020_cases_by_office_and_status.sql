-- The case list of an office narrowed to a status (issue 18): the caseload a counsellor works
-- through, and always within an office for office staff. By status alone the list read every
-- case of that status in all offices and kept its own office's third; this index gives exactly
-- the page's cases, in registration order. Kept in step with ../sqlite/0020_cases_by_office_and_status.sql.
CREATE INDEX cases_by_office_status ON cases (office, status, id);
