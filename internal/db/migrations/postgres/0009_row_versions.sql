-- Each organization, unit and campaign counts its changes. An edit names the
-- version it was made from and is refused when the row has changed since,
-- so that the second of two people editing the same record is told instead
-- of silently overwriting the first.
ALTER TABLE orgs ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE units ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE campaigns ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
