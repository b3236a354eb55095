-- Training of members and cadres (M4): courses an organization holds, who
-- attended each and the hours credited, and the hours a year each post must
-- reach. Hours are kept in halves (学时 × 2), so that 1.5 学时 is exact on
-- both engines.
CREATE TABLE training_courses (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),  -- the organizer
    title      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,  -- centralized | online | lecture | party_school | onsite
    starts_on  TEXT    NOT NULL,  -- YYYY-MM-DD
    ends_on    TEXT    NOT NULL,
    year       INTEGER NOT NULL,  -- the year of ends_on: hours count when the course is finished
    halves     INTEGER NOT NULL,  -- hours × 2
    posts      TEXT    NOT NULL DEFAULT '',  -- the posts it is meant for, comma-separated; '' for every member
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX training_courses_org ON training_courses(org_id, year);
CREATE INDEX training_courses_year ON training_courses(year, starts_on);

-- A person's attendance of a course and the hours credited for it (at most
-- the course's); once per course.
CREATE TABLE training_attendance (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES training_courses(id),
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    year       INTEGER NOT NULL,  -- the course's year, kept here so that a person's year is one index range
    halves     INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    actor_name TEXT    NOT NULL
);
CREATE UNIQUE INDEX training_attendance_once ON training_attendance(course_id, person_id);
CREATE INDEX training_attendance_person ON training_attendance(person_id, year);

-- The hours a year a post must reach, set by an organization department
-- for its subtree ("member" for every member); the nearest setting above a
-- member's organization applies, the rule's defaults where there is none.
CREATE TABLE training_requirements (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    post       TEXT    NOT NULL,
    halves     INTEGER NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (org_id, post)
);
