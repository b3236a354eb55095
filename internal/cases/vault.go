package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// The identity vault. A reporter's name and contact are sealed with the
// installation key in case_vault; no list, page, export or notice of the
// module opens them. A handler who needs them asks with a reason; a
// custodian (身份信息保管人) decides; once approved the requester may read
// them, every reading is audited, and the reporter sees on the follow-up
// page that their identity was revealed, when and why.

// identityOf opens the vault entry of a case; ok is false when the
// reporter left nothing (or it was purged).
func (s *Service) identityOf(ctx context.Context, q db.Querier, caseID int64) (identity, bool, error) {
	var sealed []byte
	err := q.QueryRow(ctx, "SELECT sealed FROM case_vault WHERE case_id = ?", caseID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return identity{}, false, nil
	}
	if err != nil {
		return identity{}, false, errs.Wrap(err, "vault")
	}
	plain, err := s.vault.Open("identity", sealed)
	if err != nil {
		return identity{}, false, errs.Wrap(err, "open vault")
	}
	var id identity
	if err := json.Unmarshal([]byte(plain), &id); err != nil {
		return identity{}, false, errs.Wrap(err, "vault entry")
	}
	return id, true, nil
}

// HasIdentity reports whether the reporter of a case the actor sees left
// an identity or contact.
func (s *Service) HasIdentity(ctx context.Context, actor access.Actor, caseID int64) (bool, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return false, err
	}
	if _, err := s.get(ctx, s.db, v, caseID); err != nil {
		return false, err
	}
	var n int
	err = s.db.QueryRow(ctx, "SELECT COUNT(*) FROM case_vault WHERE case_id = ?", caseID).Scan(&n)
	return n > 0, errs.Wrap(err, "vault")
}

// Reveal is a request to reveal a reporter's identity.
type Reveal struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by,omitempty"`
	RequestedAt time.Time `json:"requested_at"`
	State       string    `json:"state"` // pending | approved | refused
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Note        string    `json:"note,omitempty"`
}

// RequestReveal asks a custodian to reveal the identity of the reporter of
// a case the actor handles, for reason.
func (s *Service) RequestReveal(ctx context.Context, actor access.Actor, caseID int64, reason string) (Reveal, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 10 || n > 500 {
		return Reveal{}, errs.Field("reason", "请说明需要查看反映人身份的理由（10 至 500 字），反映人会看到", "give the reason for revealing the reporter's identity (10 to 500 characters): the reporter will see it")
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Reveal{}, err
	}
	var out Reveal
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.get(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		if !v.handles(c, c.orgPath) && !(c.handlerPath != "" && v.handles(c, c.handlerPath)) {
			return errs.New(errs.Forbidden, "只有办理此案件的人员可以申请查看反映人身份", "only those handling the case may ask to reveal its reporter")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_vault WHERE case_id = ?", caseID).Scan(&n); err != nil {
			return errs.Wrap(err, "vault")
		}
		if n == 0 {
			return errs.New(errs.Conflict, "反映人没有留下身份信息", "the reporter left no identity")
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_reveals WHERE case_id = ? AND requested_by = ? AND state = 'pending'", caseID, actor.UserID).Scan(&n); err != nil {
			return errs.Wrap(err, "reveals")
		}
		if n > 0 {
			return errs.New(errs.Conflict, "您的申请正在等待保管人审批", "your request is waiting for a custodian")
		}
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO case_reveals (case_id, requested_by, reason, requested_at, state) VALUES (?, ?, ?, ?, 'pending') RETURNING id`,
			caseID, actor.UserID, reason, db.FormatTime(now)).Scan(&out.ID); err != nil {
			return errs.Wrap(err, "insert reveal")
		}
		out = Reveal{ID: out.ID, CaseID: caseID, Reason: reason, RequestedBy: actor.Username, RequestedAt: now, State: "pending"}
		if _, err := addEvent(ctx, tx, staffEvent(actor, c, now, "reveal_request", "", false, reason)); err != nil {
			return err
		}
		if err := s.notifyCustodians(ctx, tx, c, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "case.reveal_request", TargetType: auditType(c.Kind), TargetID: strconv.FormatInt(caseID, 10),
			OrgPath: c.orgPath, Summary: i18n.Textf("案件第 %d 号：申请查看反映人身份", "case %d: asked to reveal the reporter", caseID), After: map[string]any{"reason": reason}})
	})
	return out, err
}

// notifyCustodians tells the custodians granted on the case's organization
// or above it.
func (s *Service) notifyCustodians(ctx context.Context, tx *db.Tx, c Case, now time.Time) error {
	ids := strings.Split(strings.Trim(c.orgPath, "/"), "/")
	for i := len(ids) - 1; i >= 0; i-- {
		id, _ := strconv.ParseInt(ids[i], 10, 64) // a path holds digits
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM grants WHERE org_id = ? AND role = ?", id, string(access.Custodian)).Scan(&n); err != nil {
			return errs.Wrap(err, "custodians")
		}
		if n == 0 {
			continue
		}
		ts := db.FormatTime(now)
		_, err := tx.Exec(ctx, `INSERT INTO outbox (channel, user_id, case_id, body, created_at, next_at)
			SELECT DISTINCT ?, u.id, CAST(? AS BIGINT), ?, ?, ? FROM grants g JOIN users u ON u.id = g.user_id
			WHERE g.org_id = ? AND g.role = ? AND u.status = 'active' AND (u.person_id IS NULL OR u.person_id <> ?)`,
			ChannelInApp, c.ID, NoticeReveal, ts, ts, id, string(access.Custodian), c.SubjectPersonID)
		return errs.Wrap(err, "notify custodians")
	}
	return nil
}

// custodianSees reports whether v may decide reveals of c: the custodian
// permission at the case's organization and, for an integrity report, from
// a grant strictly above the organization concerned.
func (v viewer) custodianSees(c Case) bool {
	if v.person != 0 && v.person == c.SubjectPersonID {
		return false
	}
	if c.Kind == KindIntegrity {
		return grantAbove(v.Actor, RevealApprove, c.orgPath, c.subjectPath)
	}
	return v.Can(RevealApprove, c.orgPath)
}

// PendingReveals lists the requests waiting for the actor's decision.
func (s *Service) PendingReveals(ctx context.Context, actor access.Actor) ([]Reveal, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT r.id, r.case_id, r.reason, u.username, r.requested_at FROM case_reveals r JOIN users u ON u.id = r.requested_by
		WHERE r.state = 'pending' ORDER BY r.id`)
	if err != nil {
		return nil, errs.Wrap(err, "pending reveals")
	}
	var all []Reveal
	for rows.Next() {
		var r Reveal
		var at string
		if err := rows.Scan(&r.ID, &r.CaseID, &r.Reason, &r.RequestedBy, &at); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan reveal")
		}
		r.RequestedAt, r.State = db.ParseTime(at), "pending"
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "pending reveals")
	}
	var out []Reveal
	for _, r := range all {
		c, err := s.load(ctx, s.db, r.CaseID)
		if err != nil {
			return nil, err
		}
		if v.custodianSees(c) {
			out = append(out, r)
		}
	}
	return out, nil
}

// DecideReveal approves or refuses a pending request; the custodian may not
// decide their own request.
func (s *Service) DecideReveal(ctx context.Context, actor access.Actor, revealID int64, approve bool, note string) error {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return errs.Field("note", "审批意见最多 500 字", "the note has at most 500 characters")
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var caseID, by int64
		var state, reason string
		err := tx.QueryRow(ctx, "SELECT case_id, requested_by, state, reason FROM case_reveals WHERE id = ?"+tx.Lock(db.ForUpdate), revealID).Scan(&caseID, &by, &state, &reason)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "没有这项申请", "no such request")
		}
		if err != nil {
			return errs.Wrap(err, "reveal")
		}
		c, err := s.load(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if !v.custodianSees(c) {
			return errs.New(errs.NotFound, "没有这项申请", "no such request")
		}
		if by == actor.UserID {
			return errs.New(errs.Forbidden, "不能审批自己提出的申请", "you cannot decide your own request")
		}
		if state != "pending" {
			return errs.New(errs.Conflict, "这项申请已经审批过了", "this request has been decided already")
		}
		now := s.now()
		to := "refused"
		if approve {
			to = "approved"
		}
		if _, err := tx.Exec(ctx, "UPDATE case_reveals SET state = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?",
			to, actor.UserID, db.FormatTime(now), note, revealID); err != nil {
			return errs.Wrap(err, "decide reveal")
		}
		typ := "reveal_refused"
		if approve {
			typ = "reveal_approved"
		}
		// An approval is shown to the reporter with its reason.
		if _, err := addEvent(ctx, tx, staffEvent(actor, c, now, typ, "", approve, reason)); err != nil {
			return err
		}
		sum := i18n.Textf("案件第 %d 号：查看反映人身份的申请 %s", "case %d: request to reveal the reporter %s", caseID, to)
		after := map[string]any{"request": revealID, "state": to, "note": note}
		if approve {
			return auditCase(ctx, tx, actor, "case.reveal_approved", c, sum, nil, after)
		}
		return auditCase(ctx, tx, actor, "case.reveal_refused", c, sum, nil, after)
	})
}

// Identity is a reporter's identity as shown to a handler whose request a
// custodian approved.
type Identity struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// RevealedIdentity opens the vault of a case for an actor whose request was
// approved; each reading is audited.
func (s *Service) RevealedIdentity(ctx context.Context, actor access.Actor, caseID int64) (Identity, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Identity{}, err
	}
	var out Identity
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.get(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_reveals WHERE case_id = ? AND requested_by = ? AND state = 'approved'", caseID, actor.UserID).Scan(&n); err != nil {
			return errs.Wrap(err, "reveals")
		}
		if n == 0 {
			return errs.New(errs.Forbidden, "查看反映人身份须经身份信息保管人批准", "a custodian must approve before the reporter's identity is shown")
		}
		id, ok, err := s.identityOf(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.NotFound, "反映人的身份信息已按保存期限删除", "the reporter's identity has been deleted at the end of its retention")
		}
		out = Identity(id)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "case.reveal_read", TargetType: auditType(c.Kind), TargetID: strconv.FormatInt(caseID, 10),
			OrgPath: c.orgPath, Summary: i18n.Textf("案件第 %d 号：查看了反映人身份", "case %d: read the reporter's identity", caseID)})
	})
	return out, err
}

// revealsOf lists the requests of a case; onlyApproved keeps what the
// reporter is shown (when and why, not who).
func (s *Service) revealsOf(ctx context.Context, q db.Querier, caseID int64, onlyApproved bool) ([]Reveal, error) {
	cond := ""
	if onlyApproved {
		cond = " AND r.state = 'approved'"
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.reason, r.requested_at, r.state, COALESCE(r.decided_at, ''), r.note, u.username, COALESCE(d.username, '')
		FROM case_reveals r JOIN users u ON u.id = r.requested_by LEFT JOIN users d ON d.id = r.decided_by WHERE r.case_id = ?`+cond+` ORDER BY r.id`, caseID)
	if err != nil {
		return nil, errs.Wrap(err, "reveals")
	}
	defer rows.Close()
	var out []Reveal
	for rows.Next() {
		r := Reveal{CaseID: caseID}
		var at, decided string
		if err := rows.Scan(&r.ID, &r.Reason, &at, &r.State, &decided, &r.Note, &r.RequestedBy, &r.DecidedBy); err != nil {
			return nil, errs.Wrap(err, "scan reveal")
		}
		r.RequestedAt, r.DecidedAt = db.ParseTime(at), parseTime(decided)
		if onlyApproved {
			r.RequestedBy, r.DecidedBy, r.Note = "", "", ""
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "reveals")
}

// Reveals lists the requests of a case the actor sees.
func (s *Service) Reveals(ctx context.Context, actor access.Actor, caseID int64) ([]Reveal, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if _, err := s.get(ctx, s.db, v, caseID); err != nil {
		return nil, err
	}
	return s.revealsOf(ctx, s.db, caseID, false)
}

// VaultRetentionDays is how long after closure a reporter's identity is
// kept by default, for a kind of case whose days are not set otherwise
// (SetRetention); the purge job deletes it after.
const VaultRetentionDays = 180

// schedulePurge sets when the vault entry of a closing case goes, after
// the retention of its kind.
func (s *Service) schedulePurge(ctx context.Context, tx *db.Tx, c Case, now time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE case_vault SET purge_after = ? WHERE case_id = ?", db.FormatTime(now.AddDate(0, 0, s.RetentionDays(c.Kind))), c.ID)
	return errs.Wrap(err, "schedule purge")
}
