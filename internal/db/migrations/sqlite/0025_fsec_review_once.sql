-- A term is a subject of one review a year: two reviews opened at the same
-- moment both found the term free and both took it; the second insert now
-- fails and its draft is dropped. The rows of a review go with its draft
-- when the evaluation deletes it (programs.Service.dropReview); before,
-- they stayed, and SQLite gives a deleted campaign's id to the next one.
-- So first the rows of deleted reviews go, and of two reviews that took a
-- term the same year, the first keeps it.
DELETE FROM fsec_reviews WHERE campaign_id NOT IN (SELECT id FROM campaigns);
DELETE FROM fsec_reviews WHERE EXISTS (SELECT 1 FROM fsec_reviews r
    WHERE r.term_id = fsec_reviews.term_id AND r.year = fsec_reviews.year AND r.campaign_id < fsec_reviews.campaign_id);
CREATE UNIQUE INDEX fsec_reviews_once ON fsec_reviews(term_id, year);
