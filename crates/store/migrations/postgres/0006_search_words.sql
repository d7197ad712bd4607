-- Search (issue 13): each search term carries every term of its case (`words`, space-led and
-- space-separated), so a search reads the rarest word's range of the term index and checks the
-- other words in the same rows, instead of one lookup per candidate case. Kept in step with
-- ../sqlite/0006_search_words.sql.
ALTER TABLE case_terms ADD COLUMN words TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE case_terms t SET words = w.words
FROM (SELECT case_id, ' ' || string_agg(term, ' ' ORDER BY term) AS words FROM case_terms GROUP BY case_id) w
WHERE w.case_id = t.case_id;
DROP INDEX case_terms_by_case;
CREATE INDEX case_terms_by_case ON case_terms (case_id, term);
