-- A name search checks each candidate case for its other words, one lookup of (term, case) per
-- case (issue 18). PostgreSQL answered it from the per-case index (case_id, term), whose entries
-- for the candidates are scattered over all of it: at a million cases a search read a few
-- hundred pages from disk and took 150 ms on average. The primary key (term, case_id) answers
-- the same lookup from the one range of the word's term, which a few searches keep in memory.
-- The per-case index is narrowed to what it is for (replacing or purging a case's terms), so
-- the lookup goes to the primary key. Kept in step with ../sqlite/0022_case_terms_probed_by_term.sql.
DROP INDEX case_terms_by_case;
CREATE INDEX case_terms_by_case ON case_terms (case_id);
