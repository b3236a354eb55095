-- A term is a subject of one review a year: two reviews opened at the same
-- moment both found the term free and both took it; the second insert now
-- fails and its draft is dropped. The rows of a review go with its draft
-- when the evaluation deletes it, and a subject's when it is taken out of
-- the draft (programs.Service.dropReview); before, they stayed. So first
-- the rows whose subject is no longer in their campaign go, and of two
-- reviews that took a term the same year, the first keeps it.
DELETE FROM fsec_reviews WHERE NOT EXISTS (SELECT 1 FROM campaign_subjects s
    WHERE s.id = fsec_reviews.subject_id AND s.campaign_id = fsec_reviews.campaign_id);
DELETE FROM fsec_reviews WHERE EXISTS (SELECT 1 FROM fsec_reviews r
    WHERE r.term_id = fsec_reviews.term_id AND r.year = fsec_reviews.year AND r.campaign_id < fsec_reviews.campaign_id);
CREATE UNIQUE INDEX fsec_reviews_once ON fsec_reviews(term_id, year);
