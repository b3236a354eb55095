-- A long member list in name order walks the register's memberships in the
-- order of their name keys and keeps those of the subtree and the filters:
-- this index gives the order and holds every column the filters read, so
-- the walk reads no table rows but the page's. It replaces the walk over
-- the persons' name index, which looked up each person's membership and
-- organization in turn. The list's index gains the membership's id, so
-- that collecting a subtree's list reads no table rows either.
DROP INDEX persons_name;
DROP INDEX memberships_list;
-- Name keys are bytes in hex, compared as bytes (as SQLite compares them):
-- the database's own collation would order them by its rules, and sorting a
-- county's 100,000 keys through it took twice as long.
ALTER TABLE persons ALTER COLUMN name_key TYPE TEXT COLLATE "C";
ALTER TABLE memberships ALTER COLUMN name_key TYPE TEXT COLLATE "C";
CREATE INDEX memberships_list ON memberships(org_id, active, kind, status, name_key, person_id, gender, birth_date, education, id);
CREATE INDEX memberships_names ON memberships(active, name_key, person_id, org_id, kind, status, gender, birth_date, education, id);
