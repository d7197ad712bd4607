-- The outreach focal point (issue 16; docs/domain.md section 1): a role that works with
-- communities and sees no case data. Kept in step with ../sqlite/0010_outreach_role.sql.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'case_manager', 'counsellor', 'me_officer', 'partner', 'outreach'));
