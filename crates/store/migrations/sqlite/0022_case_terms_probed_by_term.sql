-- The per-case index of search terms narrowed to the case (issue 18), as on PostgreSQL, where the
-- lookup of (term, case) a name search makes per candidate case went to it instead of the
-- primary key. SQLite already took the primary key, and its index of a table without row ids
-- holds the key's columns either way. Kept in step with ../postgres/0022_case_terms_probed_by_term.sql.
DROP INDEX case_terms_by_case;
CREATE INDEX case_terms_by_case ON case_terms (case_id);
