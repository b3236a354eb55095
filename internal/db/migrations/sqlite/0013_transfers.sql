-- Transfers of a member's organization relation (组织关系转接): the sending
-- organization requests, the receiving one accepts or rejects with a
-- reason; a transfer out of the system names its destination and ends the
-- membership at once.
CREATE TABLE transfers (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES persons(id),
    membership_id INTEGER NOT NULL REFERENCES memberships(id),
    from_org_id   INTEGER NOT NULL REFERENCES orgs(id),
    to_org_id     INTEGER REFERENCES orgs(id),  -- NULL: out of the system
    out_to        TEXT    NOT NULL DEFAULT '',  -- the destination outside the system
    note          TEXT    NOT NULL DEFAULT '',
    state         TEXT    NOT NULL,             -- pending | accepted | rejected | cancelled | out
    on_date       TEXT    NOT NULL,             -- the date of the letter
    requested_at  TEXT    NOT NULL,
    requested_by  TEXT    NOT NULL,
    decided_on    TEXT,
    decided_at    TEXT,
    decided_by    TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',  -- why the receiving side refused
    new_membership_id INTEGER REFERENCES memberships(id)
);
CREATE UNIQUE INDEX transfers_pending ON transfers(person_id) WHERE state = 'pending';
CREATE INDEX transfers_to ON transfers(to_org_id, state);
CREATE INDEX transfers_from ON transfers(from_org_id, state);
