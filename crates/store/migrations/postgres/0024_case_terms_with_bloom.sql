-- Each search term row carries a Bloom filter of every prefix its case holds (issue 18): 128
-- bits, one set per prefix. A name search reads the rarest word's rows from this table and must
-- check each of those cases for its other words, a lookup in the primary key each (a family name's
-- 250 cases, for a given name 60,000 others share, at a million cases): four pages per lookup, and
-- most of PostgreSQL's time in the search benchmark. The filter, kept in the primary key's leaves
-- (INCLUDE) so the rarest word's scan still reads only the index, rules out most of the cases that
-- lack a word before any lookup, and never one that has it. The terms are made again at the next
-- start from the cases themselves (SEARCH_TERMS_VERSION 5, crates/service/src/cases.rs). Kept in
-- step with ../sqlite/0024_case_terms_with_bloom.sql.
DROP TABLE case_terms;
CREATE TABLE case_terms (
    term BIGINT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id),
    bloom_low BIGINT NOT NULL,
    bloom_high BIGINT NOT NULL,
    PRIMARY KEY (term, case_id) INCLUDE (bloom_low, bloom_high)
);
CREATE INDEX case_terms_by_case ON case_terms (case_id);
