package cases

import (
	"context"
	"fmt"
	"slices"
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

// StepInput is a handler's step on a case.
type StepInput struct {
	Step string `json:"step"`
	// Version, when set, is the version of the case the handler saw; a
	// case changed since is refused (errs.Stale).
	Version int `json:"version,omitempty"`
	// Text is the reason of a refusal or a return, the reply of an answer
	// (shown to the reporter), or the record of a visit.
	Text string `json:"text,omitempty"`
	// OrgID is where a dispatch sends the case.
	OrgID int64 `json:"org_id,omitempty"`
	// Outcome is how a close ends the case.
	Outcome string `json:"outcome,omitempty"`
	// DuplicateOf is the case a duplicate is handled with.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`
	// Files are the evidence attached to an answer.
	Files []NamedFile `json:"-"`
}

// Lengths of what handlers write.
const (
	reasonMin = 5
	textMax   = 2000
)

// Get returns a case the actor may see, with its history.
func (s *Service) Get(ctx context.Context, actor access.Actor, id int64) (Case, []Event, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Case{}, nil, err
	}
	c, err := s.get(ctx, s.db, v, id)
	if err != nil {
		return Case{}, nil, err
	}
	evs, err := s.events(ctx, s.db, id, false)
	return c, evs, err
}

// NextFor lists the steps the actor may take on c now.
func (s *Service) NextFor(ctx context.Context, actor access.Actor, c Case) ([]string, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, step := range NextSteps(c.State) {
		if step == StepReturn && c.HandlerOrgID == 0 {
			continue // nothing was dispatched: there is nobody to return it to
		}
		if v.handles(c, stepAt(step, c)) {
			out = append(out, step)
		}
	}
	return out, nil
}

// stepAt is the path of the organization where a step on c is taken: the
// organization it was dispatched to starts, answers or returns it; the
// responsible organization does the rest.
func stepAt(step string, c Case) string {
	if c.handlerPath != "" && (step == StepStart || step == StepAnswer || step == StepReturn) {
		return c.handlerPath
	}
	return c.orgPath
}

// Take applies a handler's step to case id and returns the case after it.
// A step the case's state does not allow is a conflict naming the steps
// that are; a case the actor may not see is not found; one they see but may
// not handle is forbidden.
func (s *Service) Take(ctx context.Context, actor access.Actor, id int64, in StepInput) (Case, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return Case{}, err
	}
	in.Text = strings.TrimSpace(strings.ReplaceAll(in.Text, "\r\n", "\n"))
	if _, ok := workflow[in.Step]; !ok {
		return Case{}, errs.Field("step", "未知的办理步骤", "unknown step")
	}
	var files []Attachment
	if in.Step == StepAnswer && len(in.Files) > 0 {
		if files, err = CheckAttachments(in.Files); err != nil {
			return Case{}, err
		}
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Case{}, err
	}
	var out Case
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.takeTx(ctx, tx, v, id, in, s.now(), cal, files)
		return err
	})
	if err != nil {
		return Case{}, err
	}
	return out, nil
}

// takeTx takes a checked step inside tx at the time now.
func (s *Service) takeTx(ctx context.Context, tx *db.Tx, v viewer, id int64, in StepInput, now time.Time, cal *Calendar, files []Attachment) (Case, error) {
	if err := tx.LockRow(ctx, "cases", id, db.ForUpdate); err != nil {
		return Case{}, notFound()
	}
	c, err := s.get(ctx, tx, v, id)
	if err != nil {
		return Case{}, err
	}
	if !v.handles(c, stepAt(in.Step, c)) {
		return Case{}, errs.New(errs.Forbidden, "您可以查看此案件，但不能办理这一步", "you may see this case but not take this step")
	}
	if err := errs.CheckVersion(versionPtr(in.Version), c.Version); err != nil {
		return Case{}, err
	}
	t := workflow[in.Step]
	if !slices.Contains(t.from, c.State) {
		return Case{}, outOfOrder(in.Step, c.State)
	}
	if err := s.apply(ctx, tx, v, c, in, t.to, now, cal, files); err != nil {
		return Case{}, err
	}
	sum := i18n.Text{ZH: fmt.Sprintf("案件第 %d 号：%s", id, org.LabelOf(Steps, in.Step, i18n.ZH)), EN: fmt.Sprintf("case %d: %s", id, org.LabelOf(Steps, in.Step, i18n.EN))}
	before, after := map[string]any{"state": c.State}, map[string]any{"state": t.to}
	// Each step's action is written out, so that the audit log's filter
	// lists every action the source writes.
	switch in.Step {
	case StepAccept:
		err = auditCase(ctx, tx, v.Actor, "case.accept", c, sum, before, after)
	case StepRefuse:
		err = auditCase(ctx, tx, v.Actor, "case.refuse", c, sum, before, after)
	case StepDup:
		err = auditCase(ctx, tx, v.Actor, "case.duplicate", c, sum, before, after)
	case StepDispatch:
		err = auditCase(ctx, tx, v.Actor, "case.dispatch", c, sum, before, after)
	case StepReturn:
		err = auditCase(ctx, tx, v.Actor, "case.return", c, sum, before, after)
	case StepStart:
		err = auditCase(ctx, tx, v.Actor, "case.start", c, sum, before, after)
	case StepAnswer:
		err = auditCase(ctx, tx, v.Actor, "case.answer", c, sum, before, after)
	case StepVisit:
		err = auditCase(ctx, tx, v.Actor, "case.visit", c, sum, before, after)
	case StepClose:
		err = auditCase(ctx, tx, v.Actor, "case.close", c, sum, before, after)
	}
	if err != nil {
		return Case{}, err
	}
	return s.load(ctx, tx, id)
}

// auditCase writes the audit entry of action on case c inside tx, in the
// log of the case's organization, under the target type of its kind.
func auditCase(ctx context.Context, tx *db.Tx, actor access.Actor, action string, c Case, summary i18n.Text, before, after any) error {
	return audit.Write(ctx, tx, actor, audit.Entry{Action: action, TargetType: auditType(c.Kind), TargetID: strconv.FormatInt(c.ID, 10),
		OrgPath: c.orgPath, Summary: summary, Before: before, After: after})
}

func versionPtr(v int) *int {
	if v <= 0 {
		return nil
	}
	return &v
}

// apply does what step does to c, inside tx.
func (s *Service) apply(ctx context.Context, tx *db.Tx, v viewer, c Case, in StepInput, to string, now time.Time, cal *Calendar, files []Attachment) error {
	set := map[string]any{}
	ev := staffEvent(v.Actor, c, now, in.Step, to, false, "")
	var reporter string // the text message or e-mail to the reporter, if any
	switch in.Step {
	case StepAccept:
		due := cal.AddWorkdays(now, handleDays(c.Kind))
		set["accepted_at"], set["handle_due"], set["deadline"] = db.FormatTime(now), db.FormatTime(due), db.FormatTime(due)
		ev.public = true
		reporter = fmt.Sprintf("您反映的事项（第 %d 号）已受理，将在 %s 前答复。", c.ID, dateZH(due.Add(-time.Nanosecond)))
	case StepRefuse:
		if err := needText(in.Text, "请填写不予受理的理由，反映人会看到", "give the reason for refusing: the reporter will see it"); err != nil {
			return err
		}
		set["outcome"], set["closed_at"], set["deadline"] = Refused, db.FormatTime(now), nil
		ev.public, ev.body = true, in.Text
		// A refused case is closed: its reporter's identity goes after the
		// same retention as a case handled to the end.
		if err := s.schedulePurge(ctx, tx, c, now); err != nil {
			return err
		}
		reporter = fmt.Sprintf("您反映的事项（第 %d 号）不予受理，理由请凭查询码查看。", c.ID)
	case StepDup:
		if in.DuplicateOf <= 0 || in.DuplicateOf == c.ID {
			return errs.Field("duplicate_of", "请填写与之重复的案件编号", "enter the number of the case this one repeats")
		}
		other, err := s.get(ctx, tx, v, in.DuplicateOf)
		if err != nil {
			return errs.Field("duplicate_of", "找不到与之重复的案件，请核对编号", "no such case to merge with: check the number")
		}
		set["outcome"], set["duplicate_of"], set["closed_at"], set["deadline"] = Duplicate, other.ID, db.FormatTime(now), nil
		ev.public, ev.body = true, fmt.Sprintf("与第 %d 号合并办理", other.ID)
		if err := s.schedulePurge(ctx, tx, c, now); err != nil {
			return err
		}
	case StepDispatch:
		target, err := s.dispatchTarget(ctx, tx, v, c, in.OrgID)
		if err != nil {
			return err
		}
		set["handler_org_id"] = target.ID
		ev.orgID = target.ID
		if err := s.notifyStaff(ctx, tx, c.ID, c.Kind, target, now, NoticeDispatched); err != nil {
			return err
		}
	case StepReturn:
		if c.HandlerOrgID == 0 {
			return errs.New(errs.Conflict, "案件没有派单，不能退单", "the case was not dispatched: there is nothing to return")
		}
		if err := needText(in.Text, "请填写退单理由", "give the reason for returning the case"); err != nil {
			return err
		}
		set["handler_org_id"] = nil
		ev.body = in.Text
		if err := s.notifyAt(ctx, tx, c, c.OrgID, now, NoticeReturned); err != nil {
			return err
		}
	case StepStart:
	case StepAnswer:
		if err := needText(in.Text, "请填写答复内容，反映人会看到", "write the answer: the reporter will see it"); err != nil {
			return err
		}
		set["answered_at"], set["deadline"] = db.FormatTime(now), nil
		ev.public, ev.body = true, in.Text
		reporter = fmt.Sprintf("您反映的事项（第 %d 号）已答复，请凭查询码查看并评价。", c.ID)
	case StepVisit:
		if err := needText(in.Text, "请填写回访记录", "write the record of the visit"); err != nil {
			return err
		}
		ev.body = in.Text
	case StepClose:
		if in.Outcome != Resolved && in.Outcome != NotResolved && in.Outcome != NotResponsible {
			return errs.Field("outcome", "请选择办结结果：已解决、未解决或非本单位职责", "choose the outcome: resolved, not resolved or not our responsibility")
		}
		set["outcome"], set["closed_at"] = in.Outcome, db.FormatTime(now)
		ev.public, ev.body = true, org.LabelOf(Outcomes, in.Outcome, i18n.ZH)
		if err := s.schedulePurge(ctx, tx, c, now); err != nil {
			return err
		}
	}
	set["state"] = to
	if err := s.update(ctx, tx, c, now, set); err != nil {
		return err
	}
	eventID, err := addEvent(ctx, tx, ev)
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := tx.Exec(ctx, "INSERT INTO case_files (case_id, event_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
			c.ID, eventID, f.Name, f.MIME, len(f.Data), f.Data); err != nil {
			return errs.Wrap(err, "insert case file")
		}
	}
	if reporter != "" {
		return s.notifyReporter(ctx, tx, c.ID, now, reporter)
	}
	return nil
}

// update writes the columns of set, bumps the version and the time.
func (s *Service) update(ctx context.Context, tx *db.Tx, c Case, now time.Time, set map[string]any) error {
	cols := make([]string, 0, len(set))
	for k := range set {
		cols = append(cols, k)
	}
	slices.Sort(cols)
	var sql strings.Builder
	args := make([]any, 0, len(cols)+2)
	sql.WriteString("UPDATE cases SET version = version + 1, updated_at = ?")
	args = append(args, db.FormatTime(now))
	for _, k := range cols {
		sql.WriteString(", " + k + " = ?")
		args = append(args, set[k])
	}
	sql.WriteString(" WHERE id = ?")
	args = append(args, c.ID)
	_, err := tx.Exec(ctx, sql.String(), args...)
	return errs.Wrap(err, "update case")
}

// needText checks a handler's text: a reason or a reply of 5 to 2,000
// characters.
func needText(text, zh, en string) error {
	if n := utf8.RuneCountInString(text); n < reasonMin || n > textMax {
		return errs.Field("text", zh+"（5 至 2000 字）", en+" (5 to 2,000 characters)")
	}
	return nil
}

// dispatchTarget checks where a case is dispatched: an active organization
// below the responsible one, and for an integrity report not the
// organization concerned nor one inside it.
func (s *Service) dispatchTarget(ctx context.Context, tx *db.Tx, v viewer, c Case, id int64) (org.Ref, error) {
	bad := errs.Field("org_id", "请选择本组织下级的一个组织派单", "choose an organization below this one to dispatch to")
	if id <= 0 {
		return org.Ref{}, bad
	}
	t, err := org.Lookup(ctx, tx, id)
	if err != nil || !t.Active() || t.ID == c.OrgID || !access.Within(t.Path, c.orgPath) {
		return org.Ref{}, bad
	}
	if c.Kind == KindIntegrity && access.Within(t.Path, c.subjectPath) {
		return org.Ref{}, errs.Field("org_id", "不能把廉洁举报派给被反映的组织或其下级", "an integrity report cannot go to the organization concerned or below it")
	}
	return t, nil
}

// notifyAt tells the handlers at organization id about c.
func (s *Service) notifyAt(ctx context.Context, tx *db.Tx, c Case, id int64, now time.Time, notice string) error {
	ref, err := org.Lookup(ctx, tx, id)
	if err != nil {
		return errs.Wrap(err, "notify organization")
	}
	return s.notifyStaff(ctx, tx, c.ID, c.Kind, ref, now, notice)
}

// dateZH writes a date as 12月5日 for messages to reporters.
func dateZH(t time.Time) string {
	t = t.In(calendarZone)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}
