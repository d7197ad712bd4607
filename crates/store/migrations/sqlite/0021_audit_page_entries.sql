-- One audit entry for a page of cases (issue 18): a list, a search or an export page recorded
-- one entry per case shown, fifty for a page, which were most of the audit writer's work and of
-- the log's size. An entry now names the page's cases in `case_ids` (a JSON array, empty for an
-- entry about one record); its keyed hash covers them when there are some, so older entries
-- verify unchanged, and `homeward_store::audit::index_by_case` files it under each case.
-- A page entry is then fifty rows of the by-case index, so a period of the index is no longer
-- 2^16 entries but about 65,536 rows: `period` is the one being filled and `period_rows` what it
-- holds. Periods filed by entry number so far stay as they are; the next starts after them.
-- Kept in step with ../postgres/0021_audit_page_entries.sql.
ALTER TABLE audit_log ADD COLUMN case_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_index_head ADD COLUMN period INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_index_head ADD COLUMN period_rows INTEGER NOT NULL DEFAULT 0;
UPDATE audit_index_head SET period = (seq >> 16) + 1 WHERE seq > 0;
