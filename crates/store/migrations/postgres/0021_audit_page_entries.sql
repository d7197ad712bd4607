-- One audit entry for a page of cases (issue 18): a list, a search or an export page recorded
-- one entry per case shown, fifty for a page, which were most of the audit writer's work and of
-- the log's size. An entry now names the page's cases in `case_ids` (a JSON array, empty for an
-- entry about one record); its keyed hash covers them when there are some, so older entries
-- verify unchanged, and `homeward_store::audit::index_by_case` files it under each case.
-- Kept in step with ../sqlite/0021_audit_page_entries.sql.
ALTER TABLE audit_log ADD COLUMN case_ids TEXT NOT NULL DEFAULT '';
