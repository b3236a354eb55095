package cases

import (
	"context"
	"fmt"
	"sync"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// Notifications are written to the outbox in the transaction of the change
// that causes them and delivered after its commit by Deliver: nothing is
// announced that did not happen, and nothing that happened goes
// unannounced. Staff are told in the application; a reporter who left a
// phone number or an address gets a text message or an e-mail through a
// Sender. A notification names the case by its number and says what
// happened, never who reported it.

// The channels of the outbox.
const (
	ChannelInApp = "inapp"
	ChannelSMS   = "sms"
	ChannelEmail = "email"
)

// Message is one notification handed to a Sender. ID is the outbox row's,
// for gateways that refuse a message they have seen already.
type Message struct {
	ID      int64
	Channel string
	Address string
	Body    string
}

// Sender delivers text messages or e-mails. Send returns an error when the
// message was not accepted, and it is tried again later.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Recorder is a Sender that keeps what it is given, for tests and for an
// installation without a gateway (the messages are then on the outbox page
// only). Fail, when set, makes Send fail for the messages it picks.
type Recorder struct {
	mu   sync.Mutex
	sent []Message
	Fail func(m Message) error
}

// Send records m, or fails it as Fail says.
func (r *Recorder) Send(_ context.Context, m Message) error {
	if r.Fail != nil {
		if err := r.Fail(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

// Sent returns what was delivered, in order.
func (r *Recorder) Sent() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Message(nil), r.sent...)
}

// The notices staff receive, by kind; the page renders them with the case
// number (messages.go of the pages).
const (
	NoticeNew        = "new"        // a case waits for acceptance here
	NoticeDispatched = "dispatched" // a case was dispatched here
	NoticeReturned   = "returned"   // a case dispatched below came back
	NoticeEscalated  = "escalated"  // a case below is overdue (督办)
	NoticeExtension  = "extension"  // a request for more time waits here
	NoticeReopened   = "reopened"   // the reporter was not satisfied
	NoticeReply      = "reply"      // the reporter added something
	NoticeReveal     = "reveal"     // a request to reveal an identity waits
)

func newCaseText(string) string { return NoticeNew }

// rolesWith lists the roles of the module's catalogue that hold action.
func rolesWith(action access.Action) []any {
	var out []any
	for role, actions := range Permissions().Roles {
		for _, a := range actions {
			if a == action {
				out = append(out, string(role))
			}
		}
	}
	return out
}

// notifyStaff tells the accounts granted a role that handles cases of kind
// on the organization itself — not those above, who supervise, nor those
// below — that something waits there. An integrity report's notice never
// goes to the account of the cadre it concerns.
func (s *Service) notifyStaff(ctx context.Context, tx *db.Tx, caseID int64, kind string, at org.Ref, now time.Time, notice string) error {
	return s.notifyRoles(ctx, tx, caseID, kind, at, now, notice, handleAction(kind))
}

func (s *Service) notifyRoles(ctx context.Context, tx *db.Tx, caseID int64, kind string, at org.Ref, now time.Time, notice string, action access.Action) error {
	roles := rolesWith(action)
	if len(roles) == 0 {
		return nil
	}
	exclude := ""
	args := append([]any{at.ID}, roles...)
	if kind == KindIntegrity {
		exclude = " AND (u.person_id IS NULL OR u.person_id NOT IN (SELECT subject_person_id FROM cases WHERE id = ? AND subject_person_id IS NOT NULL))"
		args = append(args, caseID)
	}
	ts := db.FormatTime(now)
	args = append([]any{ChannelInApp, caseID, notice, ts, ts}, args...)
	_, err := tx.Exec(ctx, `INSERT INTO outbox (channel, user_id, case_id, body, created_at, next_at)
		SELECT DISTINCT ?, u.id, CAST(? AS BIGINT), ?, ?, ? FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.org_id = ? AND u.status = 'active' AND g.role IN (`+db.Marks(len(roles))+`)`+exclude, args...)
	return errs.Wrap(err, "notify staff")
}

// notifyReporter queues a text message or an e-mail to the reporter of a
// case who left a number or an address; the address is sealed in the
// outbox as in the vault.
func (s *Service) notifyReporter(ctx context.Context, tx *db.Tx, caseID int64, now time.Time, body string) error {
	id, ok, err := s.identityOf(ctx, tx, caseID)
	if err != nil || !ok {
		return err
	}
	channel, addr := ChannelSMS, id.Phone
	if addr == "" {
		channel, addr = ChannelEmail, id.Email
	}
	if addr == "" {
		return nil
	}
	ts := db.FormatTime(now)
	_, err = tx.Exec(ctx, "INSERT INTO outbox (channel, address, case_id, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?)",
		channel, s.vault.Seal("address", addr), caseID, body, ts, ts)
	return errs.Wrap(err, "notify reporter")
}

// Delivery settings: a worker claims rows for claimLease; a row that fails
// waits retryBase, doubled at each attempt up to retryMax.
const (
	claimLease = 2 * time.Minute
	retryBase  = 30 * time.Second
	retryMax   = 6 * time.Hour
	claimBatch = 50
)

// Deliver sends the notifications that are due, and returns how many were
// delivered. Several workers may run it at once, in one process or
// several: each claims rows for a lease in a transaction of its own (FOR
// UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite), sends
// them, then marks each sent in the transaction that (for the in-app
// channel) writes the notification, so that a row is delivered by the one
// worker that holds it. A failure is retried with back-off. A worker that
// dies after a gateway accepted a message but before marking it sent would
// have it sent again after the lease: the message carries its outbox id
// for gateways that drop what they have seen.
func (s *Service) Deliver(ctx context.Context, sender Sender) (int, error) {
	now := s.now()
	var claimed []outboxRow
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		ts := db.FormatTime(now)
		rows, err := tx.Query(ctx, `SELECT id, channel, COALESCE(user_id, 0), address, COALESCE(case_id, 0), body, attempts FROM outbox
			WHERE sent_at IS NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_at, id LIMIT ?`+tx.Lock(db.SkipLocked), ts, ts, claimBatch)
		if err != nil {
			return errs.Wrap(err, "claim outbox")
		}
		for rows.Next() {
			var r outboxRow
			if err := rows.Scan(&r.id, &r.channel, &r.userID, &r.address, &r.caseID, &r.body, &r.attempts); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan outbox")
			}
			claimed = append(claimed, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "claim outbox")
		}
		until := db.FormatTime(now.Add(claimLease))
		for _, r := range claimed {
			if _, err := tx.Exec(ctx, "UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?", until, r.id); err != nil {
				return errs.Wrap(err, "claim outbox row")
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Rows are sent one after another while the lease holds: a slow
	// gateway must not keep a row past it, when another worker may claim
	// and send it too. A row not begun in time is released untried; a
	// send begun in time ends by the lease's end.
	leaseEnd := time.Now().Add(claimLease)
	sctx, cancel := context.WithDeadline(ctx, leaseEnd)
	defer cancel()
	delivered := 0
	for i, r := range claimed {
		if time.Until(leaseEnd) < sendTimeout {
			return delivered, s.release(ctx, claimed[i:], now.Add(claimLease))
		}
		if err := s.deliverOne(ctx, sctx, sender, r); err != nil {
			if err := s.retryLater(ctx, r, err); err != nil {
				return delivered, err
			}
			continue
		}
		delivered++
	}
	return delivered, nil
}

// release gives back claimed rows not tried, as they were before the
// claim, unless another worker holds them already.
func (s *Service) release(ctx context.Context, rows []outboxRow, until time.Time) error {
	ids := make([]any, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	_, err := s.db.Exec(ctx, "UPDATE outbox SET claimed_until = NULL, attempts = attempts - 1 WHERE sent_at IS NULL AND claimed_until = ? AND id IN ("+db.Marks(len(ids))+")",
		append([]any{db.FormatTime(until)}, ids...)...)
	return errs.Wrap(err, "release outbox rows")
}

type outboxRow struct {
	id, userID, caseID int64
	channel, body      string
	address            []byte
	attempts           int
}

// deliverOne sends r within sendCtx and marks it sent within ctx.
func (s *Service) deliverOne(ctx, sendCtx context.Context, sender Sender, r outboxRow) error {
	if r.channel != ChannelInApp {
		addr, err := s.vault.Open("address", r.address)
		if err != nil {
			return err
		}
		if sender == nil {
			return fmt.Errorf("no sender for %s", r.channel)
		}
		if err := sender.Send(sendCtx, Message{ID: r.id, Channel: r.channel, Address: addr, Body: r.body}); err != nil {
			return err
		}
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := db.FormatTime(s.now())
		res, err := tx.Exec(ctx, "UPDATE outbox SET sent_at = ?, claimed_until = NULL, last_error = '' WHERE id = ? AND sent_at IS NULL", now, r.id)
		if err != nil {
			return errs.Wrap(err, "mark sent")
		}
		if n, _ := res.RowsAffected(); n != 1 || r.channel != ChannelInApp {
			return nil
		}
		var caseID any
		if r.caseID != 0 {
			caseID = r.caseID
		}
		_, err = tx.Exec(ctx, "INSERT INTO notifications (outbox_id, user_id, case_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
			r.id, r.userID, caseID, r.body, now)
		return errs.Wrap(err, "notification")
	})
}

// retryLater releases a row that failed, to be tried after a back-off.
func (s *Service) retryLater(ctx context.Context, r outboxRow, cause error) error {
	wait := retryBase << min(r.attempts, 20)
	if wait > retryMax || wait <= 0 {
		wait = retryMax
	}
	msg := cause.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	_, err := s.db.Exec(ctx, "UPDATE outbox SET claimed_until = NULL, next_at = ?, last_error = ? WHERE id = ? AND sent_at IS NULL",
		db.FormatTime(s.now().Add(wait)), msg, r.id)
	return errs.Wrap(err, "retry outbox row")
}

// Notice is an in-app notification of a staff account.
type Notice struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Read   bool      `json:"read"`
}

// Notices lists the actor's latest notifications, unread first, and how
// many are unread.
func (s *Service) Notices(ctx context.Context, actor access.Actor, limit int) ([]Notice, int, error) {
	var unread int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", actor.UserID).Scan(&unread); err != nil {
		return nil, 0, errs.Wrap(err, "count notices")
	}
	rows, err := s.db.Query(ctx, `SELECT id, COALESCE(case_id, 0), body, created_at, read_at IS NOT NULL FROM notifications
		WHERE user_id = ? ORDER BY read_at IS NOT NULL, id DESC LIMIT ?`, actor.UserID, limit)
	if err != nil {
		return nil, 0, errs.Wrap(err, "notices")
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var at string
		if err := rows.Scan(&n.ID, &n.CaseID, &n.Kind, &at, &n.Read); err != nil {
			return nil, 0, errs.Wrap(err, "scan notice")
		}
		n.At = db.ParseTime(at)
		out = append(out, n)
	}
	return out, unread, errs.Wrap(rows.Err(), "notices")
}

// MarkRead marks the actor's notifications up to id read.
func (s *Service) MarkRead(ctx context.Context, actor access.Actor, upTo int64) error {
	_, err := s.db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND id <= ? AND read_at IS NULL",
		db.FormatTime(s.now()), actor.UserID, upTo)
	return errs.Wrap(err, "mark read")
}
