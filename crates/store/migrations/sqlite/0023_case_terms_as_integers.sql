-- Search terms kept as 8-byte integers (issue 18): the first 64 bits of each term's keyed hash
-- instead of 32 hexadecimal characters. A name search makes a few hundred lookups of (term, case)
-- in this table's key; with a key a third shorter more of it fits in a page, so a search reads
-- fewer pages and compares integers, not text. The `words` column (migration 0006) has been empty
-- since the terms were sealed (migration 0015) and goes. The terms are made again at the next
-- start from the cases themselves (SEARCH_TERMS_VERSION 4, crates/service/src/cases.rs). Kept in
-- step with ../postgres/0023_case_terms_as_integers.sql.
DROP TABLE case_terms;
CREATE TABLE case_terms (
    term INTEGER NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (term, case_id)
) WITHOUT ROWID;
CREATE INDEX case_terms_by_case ON case_terms (case_id);
