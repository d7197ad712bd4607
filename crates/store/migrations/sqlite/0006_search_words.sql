-- Search (issue 13): each search term carries every term of its case (`words`, space-led and
-- space-separated), so a search reads the rarest word's range of the term index and checks the
-- other words in the same rows, instead of one scattered lookup per candidate case. The table
-- is clustered on (term, case_id) (WITHOUT ROWID): a range of terms is contiguous on disk, and
-- the per-case index holds its terms. Kept in step with ../postgres/0006_search_words.sql.
CREATE TABLE case_terms_words (
    term TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    words TEXT NOT NULL,
    PRIMARY KEY (term, case_id)
) WITHOUT ROWID;
INSERT INTO case_terms_words (term, case_id, words)
SELECT t.term, t.case_id, w.words
FROM case_terms t
JOIN (SELECT case_id, ' ' || group_concat(term, ' ') AS words FROM case_terms GROUP BY case_id) w
  ON w.case_id = t.case_id
ORDER BY t.term, t.case_id;
DROP TABLE case_terms;
ALTER TABLE case_terms_words RENAME TO case_terms;
CREATE INDEX case_terms_by_case ON case_terms (case_id, term);
