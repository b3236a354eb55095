-- Audit entries follow their organization: org_id is the organization an
-- entry belongs to (the last element of the path it was written with), and
-- readers resolve its current path, so that an organization's history moves
-- with it. from_org_id is, for a move, the old parent, so that the move stays
-- visible on the side the organization left.
ALTER TABLE audit_log ADD COLUMN org_id INTEGER REFERENCES orgs(id);
ALTER TABLE audit_log ADD COLUMN from_org_id INTEGER REFERENCES orgs(id);

-- The last element of "/1/17/203/" is what remains after stripping the
-- trailing slash and then the prefix that rtrim leaves when it removes the
-- trailing digits.
UPDATE audit_log SET org_id = (
    SELECT o.id FROM orgs o
    WHERE o.id = CAST(replace(rtrim(audit_log.org_path, '/'), rtrim(rtrim(audit_log.org_path, '/'), '0123456789'), '') AS INTEGER))
WHERE org_path <> '';

UPDATE audit_log SET from_org_id = (
    SELECT o.id FROM orgs o WHERE o.id = CAST(json_extract(audit_log.before_json, '$.parent_id') AS INTEGER))
WHERE action = 'org.move' AND before_json IS NOT NULL AND json_valid(before_json);

CREATE INDEX audit_org ON audit_log(org_id, id);
CREATE INDEX audit_from_org ON audit_log(from_org_id) WHERE from_org_id IS NOT NULL;
