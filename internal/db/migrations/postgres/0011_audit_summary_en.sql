-- Audit entries carry their summary in English too, for English pages and
-- the API's summary_en. Entries written before have none: readers show the
-- Chinese.
ALTER TABLE audit_log ADD COLUMN summary_en TEXT NOT NULL DEFAULT '';
