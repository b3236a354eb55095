package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// PublicCase is what a reporter sees of their case with the receipt: no
// name of a handler, no internal note, nothing of other cases.
type PublicCase struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	State      string    `json:"state"`
	Outcome    string    `json:"outcome,omitempty"`
	Place      string    `json:"place"`
	Body       string    `json:"body"`
	ReceivedAt time.Time `json:"received_at"`
	Round      int       `json:"round"`
	Rating     string    `json:"rating,omitempty"`
	// CanRate: the case has an answer of this round not yet rated.
	CanRate bool `json:"can_rate"`
	// CanAdd: the case is open and the reporter may add to it.
	CanAdd  bool          `json:"can_add"`
	Events  []PublicEvent `json:"events"`
	Reveals []Reveal      `json:"reveals"`
}

// PublicEvent is a step of the case as the reporter is shown it.
type PublicEvent struct {
	At    time.Time `json:"at"`
	Type  string    `json:"type"`
	State string    `json:"state,omitempty"`
	ByYou bool      `json:"by_you"`
	Body  string    `json:"body,omitempty"`
	Files []File    `json:"files,omitempty"`
}

// findReceipt returns the id of the case of a receipt, or WrongReceipt.
// Every wrong receipt costs the same hash and gets the same answer.
func (s *Service) findReceipt(ctx context.Context, q db.Querier, receipt string) (int64, error) {
	h, ok := s.receipts.lookup(receipt)
	if !ok {
		h = []byte{0} // no case has it: the query runs all the same
	}
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM cases WHERE receipt = ?", h).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, WrongReceipt()
	}
	if err != nil {
		return 0, errs.Wrap(err, "receipt")
	}
	return id, nil
}

// Follow returns the case of a receipt as its reporter sees it.
func (s *Service) Follow(ctx context.Context, receipt string) (PublicCase, error) {
	id, err := s.findReceipt(ctx, s.db, receipt)
	if err != nil {
		return PublicCase{}, err
	}
	c, err := s.load(ctx, s.db, id)
	if err != nil {
		return PublicCase{}, err
	}
	evs, err := s.events(ctx, s.db, id, true)
	if err != nil {
		return PublicCase{}, err
	}
	p := PublicCase{ID: c.ID, Kind: c.Kind, State: c.State, Outcome: c.Outcome, Body: c.Body, ReceivedAt: c.ReceivedAt,
		Round: c.Round, Rating: c.Rating, CanRate: rateable(c), CanAdd: open(c.State)}
	p.Place = strings.Join(s.orgs.DivisionPath(c.RegionCode), " ")
	if c.Place != "" {
		p.Place += " " + c.Place
	}
	for _, e := range evs {
		p.Events = append(p.Events, PublicEvent{At: e.At, Type: e.Type, State: e.To, ByYou: e.Actor == actorReporter, Body: e.Body, Files: e.Files})
	}
	p.Reveals, err = s.revealsOf(ctx, s.db, id, true)
	return p, err
}

// rateable reports whether the reporter may rate c now: it has an answer
// in this round and no rating of this round yet.
func rateable(c Case) bool {
	return (c.State == Answered || c.State == Visited || c.State == Closed) && c.Rating == "" && c.Outcome != Duplicate
}

// AddInfo adds the reporter's text and files to the open case of a
// receipt: more information, or the answer to a handler's question.
func (s *Service) AddInfo(ctx context.Context, receipt, text string, files []NamedFile) error {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if n := utf8.RuneCountInString(text); n < 1 || n > bodyMax {
		return errs.Field("text", "请填写补充内容（最多 5000 字）", "write what you add (at most 5,000 characters)")
	}
	checked, err := CheckAttachments(files)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := s.findReceipt(ctx, tx, receipt)
		if err != nil {
			return err
		}
		if err := tx.LockRow(ctx, "cases", id, db.ForUpdate); err != nil {
			return errs.Wrap(err, "lock case")
		}
		c, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !open(c.State) {
			return errs.New(errs.Conflict, "案件已办结，不能再补充；如不满意请进行评价", "the case is closed: nothing can be added; rate the answer if you are not satisfied")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_files WHERE case_id = ?", id).Scan(&n); err != nil {
			return errs.Wrap(err, "count files")
		}
		if n+len(checked) > MaxAttachments*3 {
			return errs.Field("attachments", "本案件的附件已达上限", "this case has as many attachments as it may have")
		}
		now := s.now()
		evID, err := addEvent(ctx, tx, event{caseID: id, at: now, typ: "add_info", actor: actorReporter, public: true, body: text})
		if err != nil {
			return err
		}
		for _, f := range checked {
			if _, err := tx.Exec(ctx, "INSERT INTO case_files (case_id, event_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
				id, evID, f.Name, f.MIME, len(f.Data), f.Data); err != nil {
				return errs.Wrap(err, "insert case file")
			}
		}
		at := c.OrgID
		if c.HandlerOrgID != 0 {
			at = c.HandlerOrgID
		}
		return s.notifyAt(ctx, tx, c, at, now, NoticeReply)
	})
}

// Rate records the reporter's rating of the answer of the current round,
// once. Unsatisfied reopens the case (重办): a new round with a new
// handling deadline, back at the organization that answered.
func (s *Service) Rate(ctx context.Context, receipt, rating, comment string) (PublicCase, error) {
	if !validChoice(Ratings, rating) {
		return PublicCase{}, errs.Field("rating", "请选择：满意、基本满意或不满意", "choose satisfied, fairly satisfied or unsatisfied")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > textMax {
		return PublicCase{}, errs.Field("comment", "评价说明最多 2000 字", "the comment has at most 2,000 characters")
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return PublicCase{}, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := s.findReceipt(ctx, tx, receipt)
		if err != nil {
			return err
		}
		return s.rateTx(ctx, tx, id, rating, comment, s.now(), cal)
	})
	if err != nil {
		return PublicCase{}, err
	}
	return s.Follow(ctx, receipt)
}

// rateTx records a rating of case id inside tx at the time now.
func (s *Service) rateTx(ctx context.Context, tx *db.Tx, id int64, rating, comment string, now time.Time, cal *Calendar) error {
	if err := tx.LockRow(ctx, "cases", id, db.ForUpdate); err != nil {
		return errs.Wrap(err, "lock case")
	}
	c, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	if c.Rating != "" {
		return errs.New(errs.Conflict, "这次答复您已经评价过了", "you have rated this answer already")
	}
	if !rateable(c) {
		return errs.New(errs.Conflict, "案件还没有答复，答复后才能评价", "the case has no answer yet: you can rate it once it is answered")
	}
	body := org.LabelOf(Ratings, rating, "zh")
	if comment != "" {
		body += "：" + comment
	}
	if _, err := addEvent(ctx, tx, event{caseID: id, at: now, typ: "rate", actor: actorReporter, public: true, body: body}); err != nil {
		return err
	}
	if rating != Unsatisfied {
		return s.update(ctx, tx, c, now, map[string]any{"rating": rating})
	}
	due := cal.AddWorkdays(now, ReopenDays)
	if err := s.update(ctx, tx, c, now, map[string]any{"rating": "", "round": c.Round + 1, "state": InProgress, "outcome": "",
		"closed_at": nil, "answered_at": nil, "handle_due": db.FormatTime(due), "deadline": db.FormatTime(due)}); err != nil {
		return err
	}
	if _, err := addEvent(ctx, tx, event{caseID: id, at: now, typ: "reopen", from: c.State, to: InProgress, actor: actorSystem, public: true,
		body: fmt.Sprintf("重新办理，时限至 %s", dateZH(due.Add(-time.Nanosecond)))}); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE case_vault SET purge_after = NULL WHERE case_id = ?", id); err != nil {
		return errs.Wrap(err, "keep vault")
	}
	at := c.OrgID
	if c.HandlerOrgID != 0 {
		at = c.HandlerOrgID
	}
	return s.notifyAt(ctx, tx, c, at, now, NoticeReopened)
}
