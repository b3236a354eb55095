package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Extension is a request for more time (延期), which only the organization
// above the responsible one may grant.
type Extension struct {
	ID          int64     `json:"id"`
	CaseID      int64     `json:"case_id"`
	Days        int       `json:"days"`
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	State       string    `json:"state"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Note        string    `json:"note,omitempty"`
}

// RequestExtension asks the superior organization for days more working
// days to handle a case the actor handles. Nothing changes until it is
// approved.
func (s *Service) RequestExtension(ctx context.Context, actor access.Actor, caseID int64, days int, reason string) (Extension, error) {
	reason = strings.TrimSpace(reason)
	var f errs.Fields
	if days < 1 || days > MaxExtension {
		f.Add("days", fmt.Sprintf("延期天数应为 1 至 %d 个工作日", MaxExtension), fmt.Sprintf("an extension is 1 to %d working days", MaxExtension))
	}
	if n := utf8.RuneCountInString(reason); n < reasonMin || n > textMax {
		f.Add("reason", "请说明延期理由（5 至 2000 字）", "give the reason for the extension (5 to 2,000 characters)")
	}
	if err := f.Err(); err != nil {
		return Extension{}, err
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Extension{}, err
	}
	var out Extension
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "cases", caseID, db.ForUpdate); err != nil {
			return notFound()
		}
		c, err := s.get(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		if !v.handles(c, stepAt(StepAnswer, c)) {
			return errs.New(errs.Forbidden, "只有办理此案件的人员可以申请延期", "only those handling the case may ask for an extension")
		}
		if c.HandleDue.IsZero() || c.Deadline.IsZero() {
			return errs.New(errs.Conflict, "案件没有正在计算的办理时限，无需延期", "no handling deadline runs for this case: there is nothing to extend")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_extensions WHERE case_id = ? AND state = 'pending'", caseID).Scan(&n); err != nil {
			return errs.Wrap(err, "extensions")
		}
		if n > 0 {
			return errs.New(errs.Conflict, "已有一项延期申请在等待上级审批", "a request for more time already waits for the superior")
		}
		if c.parentID == 0 {
			return errs.New(errs.Conflict, "本组织没有上级组织，不能申请延期", "this organization has no superior to approve an extension")
		}
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO case_extensions (case_id, days, reason, requested_by, requested_at, state) VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id`,
			caseID, days, reason, actor.UserID, db.FormatTime(now)).Scan(&out.ID); err != nil {
			return errs.Wrap(err, "insert extension")
		}
		out = Extension{ID: out.ID, CaseID: caseID, Days: days, Reason: reason, RequestedBy: actor.Username, RequestedAt: now, State: "pending"}
		if _, err := addEvent(ctx, tx, staffEvent(actor, c, now, "extension_request", "", false, fmt.Sprintf("申请延期 %d 个工作日：%s", days, reason))); err != nil {
			return err
		}
		if err := s.notifyAt(ctx, tx, c, c.parentID, now, NoticeExtension); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "case.extension_request", TargetType: auditType(c.Kind), TargetID: strconv.FormatInt(caseID, 10),
			OrgPath: c.orgPath, Summary: i18n.Textf("案件第 %d 号：申请延期 %d 个工作日", "case %d: asked for %d more working days", caseID, days),
			After: map[string]any{"days": days, "reason": reason}})
	})
	return out, err
}

// DecideExtension approves or refuses a pending extension. The approver
// needs the handling permission at the organization above the responsible
// one: a handler of the case's own organization cannot extend it.
func (s *Service) DecideExtension(ctx context.Context, actor access.Actor, extID int64, approve bool, note string) (Case, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > textMax {
		return Case{}, errs.Field("note", "审批意见最多 2000 字", "the note has at most 2,000 characters")
	}
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Case{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Case{}, err
	}
	var out Case
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var caseID, by int64
		var days int
		var state string
		err := tx.QueryRow(ctx, "SELECT case_id, days, state, requested_by FROM case_extensions WHERE id = ?", extID).Scan(&caseID, &days, &state, &by)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.NotFound, "没有这项延期申请", "no such extension request")
		}
		if err != nil {
			return errs.Wrap(err, "extension")
		}
		if err := tx.LockRow(ctx, "cases", caseID, db.ForUpdate); err != nil {
			return notFound()
		}
		c, err := s.get(ctx, tx, v, caseID)
		if err != nil {
			return err
		}
		parent, err := org.Lookup(ctx, tx, c.parentID)
		if err != nil || !v.handles(c, parent.Path) {
			return errs.New(errs.Forbidden, "延期须由上级组织审批", "an extension is approved by the organization above")
		}
		if state != "pending" {
			return errs.New(errs.Conflict, "这项延期申请已经审批过了", "this extension request has been decided already")
		}
		if by == actor.UserID {
			return errs.New(errs.Forbidden, "不能审批自己提出的延期申请", "you cannot decide your own request for more time")
		}
		now := s.now()
		to := "refused"
		if approve {
			to = "approved"
		}
		if _, err := tx.Exec(ctx, "UPDATE case_extensions SET state = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?",
			to, actor.UserID, db.FormatTime(now), note, extID); err != nil {
			return errs.Wrap(err, "decide extension")
		}
		ev := staffEvent(actor, c, now, "extension_refused", "", false, note)
		if approve {
			// The new deadline counts the days after the last day of the
			// old one.
			due := cal.AddWorkdays(c.HandleDue.Add(-time.Nanosecond), days)
			set := map[string]any{"handle_due": db.FormatTime(due)}
			if !c.Deadline.IsZero() {
				set["deadline"] = db.FormatTime(due)
			}
			if err := s.update(ctx, tx, c, now, set); err != nil {
				return err
			}
			ev.typ, ev.public = "extension_approved", true
			ev.body = fmt.Sprintf("经上级批准延期 %d 个工作日，办理时限至 %s", days, dateZH(due.Add(-time.Nanosecond)))
		}
		if _, err := addEvent(ctx, tx, ev); err != nil {
			return err
		}
		sum := i18n.Textf("案件第 %d 号：延期申请 %s", "case %d: extension %s", caseID, to)
		after := map[string]any{"request": extID, "state": to, "days": days}
		if approve {
			err = auditCase(ctx, tx, actor, "case.extension_approved", c, sum, nil, after)
		} else {
			err = auditCase(ctx, tx, actor, "case.extension_refused", c, sum, nil, after)
		}
		if err != nil {
			return err
		}
		out, err = s.load(ctx, tx, caseID)
		return err
	})
	return out, err
}

// Extensions lists the extension requests of a case the actor sees.
func (s *Service) Extensions(ctx context.Context, actor access.Actor, caseID int64) ([]Extension, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if _, err := s.get(ctx, s.db, v, caseID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT x.id, x.days, x.reason, u.username, x.requested_at, x.state, COALESCE(d.username, ''), COALESCE(x.decided_at, ''), x.note
		FROM case_extensions x JOIN users u ON u.id = x.requested_by LEFT JOIN users d ON d.id = x.decided_by WHERE x.case_id = ? ORDER BY x.id`, caseID)
	if err != nil {
		return nil, errs.Wrap(err, "extensions")
	}
	defer rows.Close()
	var out []Extension
	for rows.Next() {
		x := Extension{CaseID: caseID}
		var at, decided string
		if err := rows.Scan(&x.ID, &x.Days, &x.Reason, &x.RequestedBy, &at, &x.State, &x.DecidedBy, &decided, &x.Note); err != nil {
			return nil, errs.Wrap(err, "scan extension")
		}
		x.RequestedAt, x.DecidedAt = db.ParseTime(at), parseTime(decided)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "extensions")
}
