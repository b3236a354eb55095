-- Audit entries follow their organization: org_id is the organization an
-- entry belongs to (the last element of the path it was written with), and
-- readers resolve its current path, so that an organization's history moves
-- with it. from_org_id is, for a move, the old parent, so that the move stays
-- visible on the side the organization left.
ALTER TABLE audit_log ADD COLUMN org_id BIGINT REFERENCES orgs(id),
    ADD COLUMN from_org_id BIGINT REFERENCES orgs(id);

UPDATE audit_log a SET org_id = o.id
FROM orgs o
WHERE a.org_path <> '' AND o.id = CAST(substring(a.org_path FROM '([0-9]+)/$') AS BIGINT);

UPDATE audit_log a SET from_org_id = o.id
FROM orgs o
WHERE a.action = 'org.move' AND a.before_json IS NOT NULL
  AND o.id = CAST(a.before_json::jsonb ->> 'parent_id' AS BIGINT);

CREATE INDEX audit_org ON audit_log(org_id, id);
CREATE INDEX audit_from_org ON audit_log(from_org_id) WHERE from_org_id IS NOT NULL;
