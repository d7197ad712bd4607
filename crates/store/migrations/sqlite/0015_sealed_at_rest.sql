-- Sealing at rest (issue 17 §3). Whether a referral overrode consent is kept clear beside its
-- sealed request, so the review of overrides lists them without opening every referral. Search
-- terms become keyed hashes: the clear ones are dropped here and made again, hashed, when the
-- server starts (the search terms' version is reset). Values written clear before are sealed
-- when the server starts too. Kept in step with ../postgres/0015_sealed_at_rest.sql.
ALTER TABLE referrals ADD COLUMN overridden INTEGER NOT NULL DEFAULT 0;
UPDATE referrals SET overridden = 1 WHERE request LIKE '%"consent_override_reason":"%';
DELETE FROM case_terms;
DELETE FROM counters WHERE name = 'search_terms_version';
