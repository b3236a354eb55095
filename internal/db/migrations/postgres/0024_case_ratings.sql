-- The reporters' ratings are the events of type rate, their body the
-- rating's words and any comment (cases.rateTx). The statistics count them
-- over every case of a subtree: this index holds them alone, so that
-- counting reads only their rows, not every event. Unlike SQLite's, it
-- leaves the body out: a comment of 2,000 characters would not fit in an
-- index entry, which PostgreSQL limits to a third of a page.
CREATE INDEX case_events_rate ON case_events(case_id) WHERE type = 'rate';
