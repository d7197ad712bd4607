-- CHECK constraints on every column that holds a state or another closed set of names, so a
-- value the code does not know can never be stored (a bug, a hand edit, an old binary). Kept in
-- step with ../sqlite/0003_checks.sql (a test compares the two schemas).

-- Age at return, kept with the case (the store computes it from the two dates on every write),
-- so the M&E cohort is counted from an index without sorting a million rows.
ALTER TABLE cases ADD COLUMN age_at_return BIGINT;
UPDATE cases SET age_at_return = CAST(substr(date_of_return, 1, 4) AS BIGINT) - CAST(substr(date_of_birth, 1, 4) AS BIGINT) - (CASE WHEN substr(date_of_return, 6, 5) < substr(date_of_birth, 6, 5) THEN 1 ELSE 0 END);
ALTER TABLE cases ALTER COLUMN age_at_return SET NOT NULL;

ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'supervisor', 'case_manager', 'counsellor', 'me_officer', 'partner'));
ALTER TABLE users ADD CONSTRAINT users_disabled_check CHECK (disabled IN (0, 1));

ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('pre_departure', 'intake', 'assessment', 'planning', 'plan_agreed', 'in_assistance', 'monitoring', 'closing', 'closed', 'reopened', 'archived'));
ALTER TABLE cases ADD CONSTRAINT cases_sex_check CHECK (sex IN ('female', 'male'));
ALTER TABLE cases ADD CONSTRAINT cases_latest_band_check CHECK (latest_band IN ('intensive', 'standard', 'light'));

ALTER TABLE case_records ADD CONSTRAINT case_records_kind_check CHECK (kind IN ('household_member', 'consent', 'counselling_session', 'vulnerability_assessment', 'risk_assessment', 'skills_assessment', 'feasibility_check', 'assistance', 'follow_up', 'sensitive_note', 'unmet_need'));
ALTER TABLE case_records ADD CONSTRAINT case_records_section_check CHECK (section IN ('health', 'psychosocial', 'gbv_protection', 'trafficking', 'sogiesc'));

ALTER TABLE surveys ADD CONSTRAINT surveys_phase_check CHECK (phase IN ('baseline', 'intermediate', 'final', 'ad_hoc'));
ALTER TABLE surveys ADD CONSTRAINT surveys_location_check CHECK (location IN ('office', 'phone', 'on_site'));
ALTER TABLE surveys ADD CONSTRAINT surveys_interviewer_is_case_manager_check CHECK (interviewer_is_case_manager IN (0, 1));

ALTER TABLE survey_results ADD CONSTRAINT survey_results_profile_status_check CHECK (profile_status IN ('provisional', 'official', 'custom'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_status_check CHECK (status IN ('scored', 'discarded', 'invalid'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_economic_band_check CHECK (economic_band IN ('intensive', 'standard', 'light'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_social_band_check CHECK (social_band IN ('intensive', 'standard', 'light'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_psychosocial_band_check CHECK (psychosocial_band IN ('intensive', 'standard', 'light'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_composite_band_check CHECK (composite_band IN ('intensive', 'standard', 'light'));
ALTER TABLE survey_results ADD CONSTRAINT survey_results_low_accuracy_check CHECK (low_accuracy IN (0, 1));

ALTER TABLE plans ADD CONSTRAINT plans_state_check CHECK (state IN ('draft', 'agreed', 'active', 'revised', 'completed', 'abandoned'));

ALTER TABLE referrals ADD CONSTRAINT referrals_state_check CHECK (state IN ('proposed', 'urgent', 'consented', 'sent', 'acknowledged', 'in_service', 'completed', 'declined', 'no_show', 'service_unavailable', 'cancelled'));

-- The M&E cohort counts returnees by return date, sex and age at return: one pass of an
-- index in its order (of every office, or of one), so nothing is sorted.
CREATE INDEX cases_by_return ON cases (date_of_return, sex, age_at_return, office);
CREATE INDEX cases_by_office_return ON cases (office, date_of_return, sex, age_at_return);
CREATE INDEX cases_with_plan ON cases (plan_agreed_on) WHERE plan_agreed_on IS NOT NULL;
CREATE INDEX referrals_by_date ON referrals (created_at);
CREATE INDEX case_records_by_kind ON case_records (kind, record_date);
CREATE INDEX surveys_by_date ON surveys (survey_date);
