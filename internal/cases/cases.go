// Package cases is the residents' channel (M5, M8): integrity reports about
// cadres, dispute mediation, service requests and policy opinions, each a
// case with a receipt for its reporter, a route to the organization that
// answers for it, deadlines in working days, escalation and reopening.
//
// An integrity report never reaches what it reports on: it goes to the
// integrity workstation above the organization concerned, and neither that
// organization, nor anyone whose scope lies inside it, nor the reported
// cadre's own account can learn that it exists (visible.go).
package cases

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
	"jiceng/internal/region"
	"jiceng/internal/seal"
)

// Service is the residents' channel.
type Service struct {
	db       *db.DB
	orgs     *org.Service
	accounts *account.Service
	regions  *region.Holder
	now      func() time.Time
	receipts receiptHasher
	// vault seals reporters' identities and the addresses notifications go
	// to; handlers never read what it seals.
	vault *seal.Box
	// cal is the holiday calendar deadlines are counted in, reloaded when
	// it is edited.
	cal   atomic.Pointer[Calendar]
	calMu sync.Mutex
	// committer, when running, batches public submissions into group
	// commits (intake_commit.go).
	committer atomic.Pointer[committer]
	// sender delivers text messages and e-mails; nil keeps them waiting.
	sender Sender
	// places caches the territorial organizations of divisions reports
	// were filed at (territorial).
	placeCache sync.Map
	// retention is the days a reporter's identity is kept after closure,
	// by kind (SetRetention); set before the service serves.
	retention map[string]int
	// Submits bounds how many reports one client files, through the pages
	// and the API alike: 30 at once, then one every ten seconds. A village
	// shares one address behind its carrier's NAT, so the bound is loose;
	// it keeps one client from flooding the handlers' lists.
	Submits *ratelimit.Limiter
}

// NewService returns the channel on the database, the tree and the
// accounts, sealing reporters' identities under a key derived from the
// installation key.
func NewService(d *db.DB, orgs *org.Service, accounts *account.Service, regions *region.Holder, key []byte) (*Service, error) {
	box, err := seal.New(key, "jiceng case vault v1")
	if err != nil {
		return nil, err
	}
	rh, err := newReceiptHasher(key)
	if err != nil {
		return nil, err
	}
	s := &Service{db: d, orgs: orgs, accounts: accounts, regions: regions, now: time.Now, receipts: rh, vault: box}
	s.Submits = ratelimit.New(30, 10*time.Second, 0, func() time.Time { return s.now() })
	return s, nil
}

// WithClock makes the service read the time from now, so that deadlines
// and escalations are tested exactly. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// Case is a case as staff see it. Times are zero where nothing happened.
type Case struct {
	ID              int64     `json:"id"`
	Kind            string    `json:"kind"`
	State           string    `json:"state"`
	Outcome         string    `json:"outcome"`
	DuplicateOf     int64     `json:"duplicate_of,omitempty"`
	RegionCode      string    `json:"region_code"`
	Place           string    `json:"place"`
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	HandlerOrgID    int64     `json:"handler_org_id,omitempty"`
	HandlerOrgName  string    `json:"handler_org_name,omitempty"`
	SubjectOrgID    int64     `json:"subject_org_id,omitempty"`
	SubjectOrgName  string    `json:"subject_org_name,omitempty"`
	SubjectPersonID int64     `json:"subject_person_id,omitempty"`
	SubjectText     string    `json:"subject_text,omitempty"`
	Topic           string    `json:"topic,omitempty"`
	Title           string    `json:"title"`
	Body            string    `json:"body"`
	ReceivedAt      time.Time `json:"received_at"`
	AcceptDue       time.Time `json:"accept_due"`
	AcceptedAt      time.Time `json:"accepted_at,omitzero"`
	HandleDue       time.Time `json:"handle_due,omitzero"`
	AnsweredAt      time.Time `json:"answered_at,omitzero"`
	Deadline        time.Time `json:"deadline,omitzero"`
	EscalatedAt     time.Time `json:"escalated_at,omitzero"`
	EscalatedOrgID  int64     `json:"escalated_org_id,omitempty"`
	Round           int       `json:"round"`
	Rating          string    `json:"rating,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	Version         int       `json:"version"`
	// Overdue is set by the functions that load a case: a deadline runs
	// and has passed.
	Overdue bool `json:"overdue"`

	orgPath, handlerPath, subjectPath string
	parentID                          int64
}

// caseCols are the columns scanCase reads, with the organizations joined as
// o (responsible), ho (dispatched to) and so (concerned).
const caseCols = `c.id, c.kind, c.state, c.outcome, COALESCE(c.duplicate_of, 0), c.region_code, c.place,
	c.org_id, o.name, o.path, COALESCE(o.parent_id, 0), COALESCE(c.handler_org_id, 0), COALESCE(ho.name, ''), COALESCE(ho.path, ''),
	COALESCE(c.subject_org_id, 0), COALESCE(so.name, ''), COALESCE(so.path, ''), COALESCE(c.subject_person_id, 0), c.subject_text,
	c.topic, c.title, c.body, c.received_at, c.accept_due, COALESCE(c.accepted_at, ''), COALESCE(c.handle_due, ''),
	COALESCE(c.answered_at, ''), COALESCE(c.deadline, ''), COALESCE(c.escalated_at, ''), COALESCE(c.escalated_org_id, 0),
	c.round, c.rating, COALESCE(c.closed_at, ''), c.version`

// caseFrom is the FROM clause caseCols reads.
const caseFrom = ` FROM cases c JOIN orgs o ON o.id = c.org_id LEFT JOIN orgs ho ON ho.id = c.handler_org_id LEFT JOIN orgs so ON so.id = c.subject_org_id`

func scanCase(sc interface{ Scan(...any) error }, now time.Time) (Case, error) {
	var c Case
	var received, acceptDue, accepted, handleDue, answered, deadline, escalated, closed string
	err := sc.Scan(&c.ID, &c.Kind, &c.State, &c.Outcome, &c.DuplicateOf, &c.RegionCode, &c.Place,
		&c.OrgID, &c.OrgName, &c.orgPath, &c.parentID, &c.HandlerOrgID, &c.HandlerOrgName, &c.handlerPath,
		&c.SubjectOrgID, &c.SubjectOrgName, &c.subjectPath, &c.SubjectPersonID, &c.SubjectText,
		&c.Topic, &c.Title, &c.Body, &received, &acceptDue, &accepted, &handleDue,
		&answered, &deadline, &escalated, &c.EscalatedOrgID,
		&c.Round, &c.Rating, &closed, &c.Version)
	if err != nil {
		return c, err
	}
	c.ReceivedAt, c.AcceptDue, c.AcceptedAt, c.HandleDue = parseTime(received), parseTime(acceptDue), parseTime(accepted), parseTime(handleDue)
	c.AnsweredAt, c.Deadline, c.EscalatedAt, c.ClosedAt = parseTime(answered), parseTime(deadline), parseTime(escalated), parseTime(closed)
	c.Overdue = !c.Deadline.IsZero() && !now.Before(c.Deadline)
	return c, nil
}

// parseTime reads a stored time; "" is the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return db.ParseTime(s)
}

// load reads case id through q without checking who asks.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (Case, error) {
	c, err := scanCase(q.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?", id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound()
	}
	return c, errs.Wrap(err, "load case")
}

// notFound is the answer to a case the reader may not see, whether or not
// it exists: nothing tells a reported organization that a report is there.
func notFound() error {
	return errs.New(errs.NotFound, "案件不存在或您无权查看", "no such case, or you may not see it")
}

// calendar returns the holiday calendar, loading it on first use.
func (s *Service) calendar(ctx context.Context) (*Calendar, error) {
	if c := s.cal.Load(); c != nil {
		return c, nil
	}
	return s.reloadCalendar(ctx)
}

// SetSender makes the notification job deliver text messages and e-mails
// through sender. Without one they wait in the outbox, and the outbox page
// shows them waiting.
func (s *Service) SetSender(sender Sender) { s.sender = sender }
