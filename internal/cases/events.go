package cases

import (
	"context"
	"slices"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// Who an event is by, when not a staff account.
const (
	actorReporter = "reporter"
	actorSystem   = "system"
)

// event is one row of a case's history.
type event struct {
	caseID   int64
	at       time.Time
	typ      string
	from, to string
	actorID  int64
	actor    string
	orgID    int64
	public   bool
	body     string
}

// addEvent appends e to the case's history inside tx and returns its id.
// The history is append-only: no statement of the module changes an event,
// and the databases refuse an UPDATE of one (migration 0018).
func addEvent(ctx context.Context, tx *db.Tx, e event) (int64, error) {
	var actorID, orgID any
	if e.actorID != 0 {
		actorID = e.actorID
	}
	if e.orgID != 0 {
		orgID = e.orgID
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO case_events (case_id, at, type, from_state, to_state, actor_id, actor, org_id, public, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.caseID, db.FormatTime(e.at), e.typ, e.from, e.to, actorID, e.actor, orgID, e.public, e.body).Scan(&id)
	return id, errs.Wrap(err, "add case event")
}

// staffEvent is an event by an account.
func staffEvent(actor access.Actor, c Case, at time.Time, typ, to string, public bool, body string) event {
	name := actor.Username
	if actor.System {
		name = actorSystem
	}
	return event{caseID: c.ID, at: at, typ: typ, from: c.State, to: to, actorID: actor.UserID, actor: name, public: public, body: body}
}

// Event is a step of a case's history as staff see it.
type Event struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Type    string    `json:"type"`
	From    string    `json:"from_state,omitempty"`
	To      string    `json:"to_state,omitempty"`
	Actor   string    `json:"actor"`
	OrgID   int64     `json:"org_id,omitempty"`
	OrgName string    `json:"org_name,omitempty"`
	Public  bool      `json:"public"`
	Body    string    `json:"body,omitempty"`
	Files   []File    `json:"files,omitempty"`
}

// File is an attachment without its bytes.
type File struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	MIME string `json:"mime"`
	Size int    `json:"size"`
}

// events reads the history of a case; onlyPublic keeps what the reporter
// is shown.
func (s *Service) events(ctx context.Context, q db.Querier, caseID int64, onlyPublic bool) ([]Event, error) {
	cond := ""
	if onlyPublic {
		cond = " AND e.public = TRUE"
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.at, e.type, e.from_state, e.to_state, e.actor, COALESCE(e.org_id, 0), COALESCE(o.name, ''), e.public, e.body
		FROM case_events e`+org.LeftJoin("o", "e.org_id")+` WHERE e.case_id = ?`+cond+` ORDER BY e.id`, caseID)
	if err != nil {
		return nil, errs.Wrap(err, "case events")
	}
	var out []Event
	for rows.Next() {
		var e Event
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Type, &e.From, &e.To, &e.Actor, &e.OrgID, &e.OrgName, &e.Public, &e.Body); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan case event")
		}
		e.At = db.ParseTime(at)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "case events")
	}
	files, err := q.Query(ctx, "SELECT id, COALESCE(event_id, 0), name, mime, size FROM case_files WHERE case_id = ? ORDER BY id", caseID)
	if err != nil {
		return nil, errs.Wrap(err, "case files")
	}
	defer files.Close()
	for files.Next() {
		var f File
		var eventID int64
		if err := files.Scan(&f.ID, &eventID, &f.Name, &f.MIME, &f.Size); err != nil {
			return nil, errs.Wrap(err, "scan case file")
		}
		if i := slices.IndexFunc(out, func(e Event) bool { return e.ID == eventID }); i >= 0 {
			out[i].Files = append(out[i].Files, f)
		}
	}
	return out, errs.Wrap(files.Err(), "case files")
}

// validChoice reports whether key is one of cs.
func validChoice(cs []org.Choice, key string) bool {
	return slices.ContainsFunc(cs, func(c org.Choice) bool { return c.Key == key })
}
