-- The reporters' ratings are the events of type rate, their body the
-- rating's words and any comment (cases.rateTx). The statistics count them
-- over every case of a subtree: this index holds them alone, with the
-- words, so that counting reads neither the other events nor any event row.
CREATE INDEX case_events_rate ON case_events(case_id, body) WHERE type = 'rate';
