-- A long member list in name order walks the register's memberships in the
-- order of their name keys and keeps those of the subtree and the filters:
-- this index gives the order and holds every column the filters read, so
-- the walk reads no table rows but the page's. It replaces the walk over
-- the persons' name index, which looked up each person's membership and
-- organization in turn. The list's index gains the membership's id, so
-- that collecting a subtree's list reads no table rows either.
DROP INDEX persons_name;
DROP INDEX memberships_list;
CREATE INDEX memberships_list ON memberships(org_id, active, kind, status, name_key, person_id, gender, birth_date, education, id);
CREATE INDEX memberships_names ON memberships(active, name_key, person_id, org_id, kind, status, gender, birth_date, education, id);
