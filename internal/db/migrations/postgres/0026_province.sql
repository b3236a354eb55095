-- The large tables carry the province code (the first two digits of a
-- division code) so that they can be partitioned, or sharded, by it
-- (docs/OPERATIONS.md, "Partitioning"). A unit's and a case's come from their
-- own region; a membership's from its organization; a ballot's from its
-- campaign, which keeps its owner's from when it was created. An
-- organization's province is that of its own region, else its nearest
-- ancestor's, else '00' (above every province), as org.Province computes it
-- for new rows.
CREATE TEMP TABLE org_province AS
WITH RECURSIVE t(id, province) AS (
    SELECT id, COALESCE(substr(region_code, 1, 2), '00') FROM orgs WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, COALESCE(substr(o.region_code, 1, 2), t.province) FROM orgs o JOIN t ON o.parent_id = t.id)
SELECT id, province FROM t;

ALTER TABLE units ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE units SET province = substr(region_code, 1, 2);

ALTER TABLE memberships ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE memberships SET province = p.province FROM org_province p WHERE p.id = memberships.org_id;

ALTER TABLE cases ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE cases SET province = substr(region_code, 1, 2);

-- A campaign's province is fixed when it is created, and every ballot of the
-- campaign gets it: the column says nothing about a ballot that its campaign
-- does not, even if the owner moves; rows keep their (shuffled) order.
ALTER TABLE campaigns ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE campaigns SET province = p.province FROM org_province p WHERE p.id = campaigns.owner_org_id;
ALTER TABLE ballot_inbox ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE ballot_inbox SET province = c.province FROM campaigns c WHERE c.id = ballot_inbox.campaign_id;
ALTER TABLE ballots ADD COLUMN province TEXT NOT NULL DEFAULT '00';
UPDATE ballots SET province = c.province FROM campaigns c WHERE c.id = ballots.campaign_id;

-- No default from here on: a row written without its province is refused
-- rather than kept under no province.
ALTER TABLE units ALTER COLUMN province DROP DEFAULT;
ALTER TABLE memberships ALTER COLUMN province DROP DEFAULT;
ALTER TABLE cases ALTER COLUMN province DROP DEFAULT;
ALTER TABLE campaigns ALTER COLUMN province DROP DEFAULT;
ALTER TABLE ballot_inbox ALTER COLUMN province DROP DEFAULT;
ALTER TABLE ballots ALTER COLUMN province DROP DEFAULT;
DROP TABLE org_province;
