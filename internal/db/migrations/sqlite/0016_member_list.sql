-- The member list filters and sorts a subtree's memberships by the name key,
-- gender, birth date and education of their persons without reading the
-- persons: these are copied onto each membership as it is written, and one
-- index covers the list. A person's name, gender, birth date and education
-- do not change in the register; whatever changes them must change the
-- copies too.
ALTER TABLE memberships ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN education TEXT NOT NULL DEFAULT '';
UPDATE memberships SET name_key = p.name_key, gender = p.gender, birth_date = p.birth_date, education = p.education
    FROM persons p WHERE p.id = memberships.person_id;
DROP INDEX memberships_org;
CREATE INDEX memberships_list ON memberships(org_id, active, kind, status, name_key, person_id, gender, birth_date, education);
-- A person's memberships, the last first: the partial index of the current
-- one does not find an ended one.
CREATE INDEX memberships_person ON memberships(person_id, id);
