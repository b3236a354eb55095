package programs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// DecideInput is the county's decision on a candidate: list it with the
// official category, or not, with the reason.
type DecideInput struct {
	Decision string `json:"decision"` // list | dismiss
	Reason   string `json:"reason"`   // list: the category
	Note     string `json:"note"`     // dismiss: why not
	OnDate   string `json:"on_date"`
}

// Decide takes the county's decision on a candidate. A listed organization
// that was on the list the year before is flagged as listed again.
func (s *Service) Decide(ctx context.Context, actor access.Actor, id int64, in DecideInput) (Rect, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, at, err := s.locked(ctx, tx, actor, id, ProgramsManage, true)
		if err != nil {
			return err
		}
		if r.State != "candidate" {
			return wrongState(r, "已研判过，不能再次研判", "it has been decided already")
		}
		last, err := lastStepDate(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "研判日期", "date of the decision", last, &f)
		var reason, note string
		switch in.Decision {
		case "list":
			var ok bool
			if reason, ok = org.KeyOf(RectReasons, in.Reason); !ok {
				f.Add("reason", "列入整顿须选择软弱涣散类型，如“书记不胜任”“组织生活不正常”", "choose the kind of weakness to list the organization")
			}
			note = strings.TrimSpace(in.Note)
			if len([]rune(note)) > 500 {
				f.Add("note", "说明最多 500 字", "the note takes at most 500 characters")
			}
		case "dismiss":
			note = text("note", in.Note, 4, 500, "不列入的理由", "reason for not listing it", &f)
		default:
			f.Add("decision", "请选择“列入整顿”或“不列入”", "choose list or dismiss")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if in.Decision == "dismiss" {
			if err := setState(ctx, tx, r, "dismissed", ""); err != nil {
				return err
			}
			if _, err := step(ctx, tx, actor, r.ID, "dismiss", "", note, on); err != nil {
				return err
			}
			return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.dismiss", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
				Summary: i18n.Text{ZH: fmt.Sprintf("%s研判：%s不列入 %d 年软弱涣散党组织整顿", at.Name, r.OrgName, r.Year),
					EN: fmt.Sprintf("%s decided not to list %s for rectification in %d", at.Name, r.OrgName, r.Year)},
				Before: map[string]any{"state": r.State}, After: map[string]any{"state": "dismissed", "note": note}})
		}
		var before int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM rect_cases WHERE org_id = ? AND year = ? AND state IN ('listed', 'rectifying', 'accepted', 'closed')",
			r.OrgID, r.Year-1).Scan(&before); err != nil {
			return errs.Wrap(err, "last year's list")
		}
		if err := setState(ctx, tx, r, "listed", "reason = ?, repeated = ?", reason, before > 0); err != nil {
			return err
		}
		if _, err := step(ctx, tx, actor, r.ID, "list", "", note, on); err != nil {
			return err
		}
		label := org.LabelOf(RectReasons, reason, "")
		sum := i18n.Text{ZH: fmt.Sprintf("%s研判：%s列入 %d 年软弱涣散党组织整顿（%s）", at.Name, r.OrgName, r.Year, label),
			EN: fmt.Sprintf("%s listed %s for rectification in %d (%s)", at.Name, r.OrgName, r.Year, strings.ToLower(org.LabelOf(RectReasons, reason, i18n.EN)))}
		if before > 0 {
			sum.ZH += "，连续两年列入"
			sum.EN += ", listed two years running"
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.list", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
			Summary: sum, Before: map[string]any{"state": r.State}, After: map[string]any{"state": "listed", "reason": reason, "repeated": before > 0}})
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}

// PlanInput is a case's plan: the measures, the county-level leader who
// answers for it (包联), the first secretary sent to it, the deadline.
type PlanInput struct {
	Measures         string `json:"measures"`
	Leader           string `json:"leader"`
	FirstSecretaryID int64  `json:"first_secretary_id"`
	Deadline         string `json:"deadline"`
	Version          *int   `json:"version"`
}

// Plan records or revises the plan of a listed case, which is then under
// rectification. The measures are public (the accountability page): they
// say what will be done, not to whom.
func (s *Service) Plan(ctx context.Context, actor access.Actor, id int64, in PlanInput) (Rect, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, at, err := s.locked(ctx, tx, actor, id, ProgramsManage, true)
		if err != nil {
			return err
		}
		if r.State != "listed" && r.State != "rectifying" {
			return wrongState(r, "不能制定或修改整顿方案", "no plan can be made or changed")
		}
		if r.State == "rectifying" && in.Version == nil {
			return errs.Field("version", "修改整顿方案须提供台账的版本号（version），以免覆盖他人的修改", "a revision of the plan needs the case's version, so that nobody's change is lost")
		}
		if err := errs.CheckVersion(in.Version, r.Version); err != nil {
			return err
		}
		var f errs.Fields
		measures := text("measures", in.Measures, 10, 2000, "整顿措施", "measures", &f)
		leader := text("leader", in.Leader, 2, 50, "包联县级领导（姓名和职务）", "county-level leader (name and post)", &f)
		deadline := ""
		if t, err := time.Parse(dateLayout, strings.TrimSpace(in.Deadline)); err != nil {
			f.Add("deadline", "请填写整顿时限，格式如 2026-12-31", "enter the deadline as a date like 2026-12-31")
		} else {
			deadline = t.Format(dateLayout)
			// About a year: the end of the next year, or a year from today
			// for a case whose rectification goes on past that.
			last := max(fmt.Sprintf("%d-12-31", r.Year+1), s.today().AddDate(1, 0, 0).Format(dateLayout))
			switch {
			case deadline != r.Deadline && !t.After(s.today()):
				f.Add("deadline", "整顿时限应晚于今天", "the deadline must be after today")
			case deadline > last:
				f.Add("deadline", fmt.Sprintf("整顿时限不能晚于 %s：软弱涣散党组织原则上一年内完成整顿", last), fmt.Sprintf("the deadline cannot be after %s: a rectification takes about a year", last))
			}
		}
		var fs any
		fsName := ""
		if in.FirstSecretaryID != 0 {
			posted, err := s.FirstSecretaries(ctx, actor, r.OrgID)
			if err != nil {
				return err
			}
			for _, po := range posted {
				if po.PersonID == in.FirstSecretaryID {
					fs, fsName = po.PersonID, po.PersonName
				}
			}
			if fs == nil {
				f.Add("first_secretary_id", "请选择在"+r.OrgName+"任职的第一书记；尚未选派的，请先在该组织的“班子成员”中登记任职",
					"choose a first secretary in post at "+r.OrgName+"; record the appointment among the organization's posts first")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := setState(ctx, tx, r, "rectifying", "measures = ?, leader = ?, first_secretary = ?, deadline = ?", measures, leader, fs, deadline); err != nil {
			return err
		}
		on := s.today().Format(dateLayout)
		note := fmt.Sprintf("时限 %s；包联领导 %s", deadline, leader)
		if fsName != "" {
			note += "；第一书记 " + fsName
		}
		if _, err := step(ctx, tx, actor, r.ID, "plan", "", note, on); err != nil {
			return err
		}
		verb, verbEN := "制定", "made"
		if r.State == "rectifying" {
			verb, verbEN = "修改", "revised"
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.plan", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s%s%s的整顿方案，时限 %s", at.Name, verb, r.OrgName, deadline),
				EN: fmt.Sprintf("%s %s the plan of %s, due %s", at.Name, verbEN, r.OrgName, deadline)},
			Before: map[string]any{"state": r.State, "measures": r.Measures, "leader": r.Leader, "deadline": r.Deadline, "first_secretary_id": r.FirstSecretaryID},
			After:  map[string]any{"state": "rectifying", "measures": measures, "leader": leader, "deadline": deadline, "first_secretary_id": fs}})
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}

// ProgressInput is a month's progress report with its attachments.
type ProgressInput struct {
	Month string            `json:"month"` // YYYY-MM
	Text  string            `json:"text"`
	Files []cases.NamedFile `json:"-"`
}

// Progress records an organization's progress report of a month, once per
// month, while it is under rectification: by the organization itself or
// anyone reporting for it. Photos lose their metadata (cases.CheckAttachments).
func (s *Service) Progress(ctx context.Context, actor access.Actor, id int64, in ProgressInput) (Rect, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, _, err := s.locked(ctx, tx, actor, id, ProgramsReport, false)
		if err != nil {
			return err
		}
		if r.State != "rectifying" {
			if r.State == "listed" {
				return errs.New(errs.Conflict, "整顿方案尚未制定，不能报送进展", "the plan has not been made yet: no progress can be reported")
			}
			return wrongState(r, "不能报送整顿进展", "no progress can be reported")
		}
		var f errs.Fields
		month := strings.TrimSpace(in.Month)
		m, perr := time.Parse("2006-01", month)
		plan, err := planDate(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		switch {
		case perr != nil:
			f.Add("month", "请填写进展所属月份，格式如 2026-07", "enter the month of the report like 2026-07")
		case m.Format("2006-01") > s.today().Format("2006-01"):
			f.Add("month", "不能报送以后月份的进展", "the month cannot be after this month")
		case m.Format("2006-01") < plan[:7]:
			f.Add("month", "整顿方案于 "+plan+" 制定，不能报送此前月份的进展", "the plan was made on "+plan+": no report before that month")
		}
		body := text("text", in.Text, 10, 2000, "本月整顿进展", "progress of the month", &f)
		if err := f.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM rect_steps WHERE rect_id = ? AND step = 'progress' AND month = ?", r.ID, month).Scan(&n); err != nil {
			return errs.Wrap(err, "month's report")
		}
		if n > 0 {
			// At the field, so that the form keeps what was typed.
			return errs.Field("month", fmt.Sprintf("%s的 %s 整顿进展已报送，每月报送一次：请选择其他月份", r.OrgName, month),
				fmt.Sprintf("the progress of %s for %s has been reported already (one report a month): choose another month", r.OrgName, month))
		}
		files, err := cases.CheckAttachments(in.Files)
		if err != nil {
			return err
		}
		sid, err := step(ctx, tx, actor, r.ID, "progress", month, body, s.today().Format(dateLayout))
		if err != nil {
			return err
		}
		if err := storeFiles(ctx, tx, r.ID, sid, files); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE rect_cases SET updated_at = ?, version = version + 1 WHERE id = ?", db.FormatTime(tx.Now()), r.ID); err != nil {
			return errs.Wrap(err, "update case")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.progress", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("报送%s %s 整顿进展（附件 %d 个）", r.OrgName, month, len(files)),
				EN: fmt.Sprintf("reported the progress of %s for %s (%d attachments)", r.OrgName, month, len(files))},
			After: map[string]any{"month": month, "files": len(files)}})
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}

// FirstSecretaries are the first secretaries in post at an organization,
// as the member register keeps them: those a plan may name.
func (s *Service) FirstSecretaries(ctx context.Context, actor access.Actor, orgID int64) ([]people.Post, error) {
	posts, err := s.ppl.OrgPosts(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	var out []people.Post
	for _, p := range posts {
		if p.Post == "first_secretary" {
			out = append(out, p)
		}
	}
	return out, nil
}

// planDate is the date of a case's first plan.
func planDate(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var d sql.NullString
	err := tx.QueryRow(ctx, "SELECT MIN(on_date) FROM rect_steps WHERE rect_id = ? AND step = 'plan'", id).Scan(&d)
	if err == nil && !d.Valid {
		return "", errs.New(errs.Internal, "整顿方案缺失", "the case has no plan")
	}
	return d.String, errs.Wrap(err, "plan date")
}

// storeFiles stores the checked attachments of a step.
func storeFiles(ctx context.Context, tx *db.Tx, rectID, stepID int64, files []cases.Attachment) error {
	for _, f := range files {
		if _, err := tx.Exec(ctx, "INSERT INTO rect_files (rect_id, step_id, name, mime, size, data) VALUES (?, ?, ?, ?, ?, ?)",
			rectID, stepID, f.Name, f.MIME, len(f.Data), f.Data); err != nil {
			return errs.Wrap(err, "store attachment")
		}
	}
	return nil
}

// AcceptInput is the county's acceptance check (验收): passed or not, its
// conclusion, and the evidence it rests on (at least one file to pass).
type AcceptInput struct {
	Decision   string            `json:"decision"` // pass | fail
	Conclusion string            `json:"conclusion"`
	OnDate     string            `json:"on_date"`
	Files      []cases.NamedFile `json:"-"`
}

// Accept records the county's acceptance check of a case under
// rectification. A case passes only with at least one progress report
// and one file of evidence (the acceptance record, photos of the
// organization's life restored …); one that fails stays under
// rectification with the conclusion on its timeline.
func (s *Service) Accept(ctx context.Context, actor access.Actor, id int64, in AcceptInput) (Rect, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, at, err := s.locked(ctx, tx, actor, id, ProgramsAccept, true)
		if err != nil {
			return err
		}
		if r.State != "rectifying" {
			if r.State == "listed" {
				return errs.New(errs.Conflict, "整顿方案尚未制定，不能验收", "the plan has not been made yet: nothing to accept")
			}
			return wrongState(r, "不能验收", "it cannot be accepted")
		}
		last, err := lastStepDate(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "验收日期", "date of the check", last, &f)
		conclusion := text("conclusion", in.Conclusion, 10, 2000, "验收结论", "conclusion", &f)
		switch in.Decision {
		case "pass":
			if len(in.Files) == 0 {
				f.Add("attachments", "验收通过须上传至少一份验收材料（验收报告、会议记录或照片）", "attach at least one file of evidence (the report of the check, minutes or photos) to pass")
			}
			if r.LastProgress == "" {
				f.Add("decision", "该组织尚未报送任何整顿进展，不能验收通过", "the organization has reported no progress yet: it cannot pass")
			}
		case "fail":
		default:
			f.Add("decision", "请选择“验收通过”或“验收未通过”", "choose pass or fail")
		}
		if err := f.Err(); err != nil {
			return err
		}
		files, err := cases.CheckAttachments(in.Files)
		if err != nil {
			return err
		}
		kind, state := "accept", "accepted"
		if in.Decision == "fail" {
			kind, state = "reject", "rectifying"
		}
		set, args := "", []any{}
		if state == "accepted" {
			set, args = "accepted_on = ?", []any{on}
		}
		if err := setState(ctx, tx, r, state, set, args...); err != nil {
			return err
		}
		sid, err := step(ctx, tx, actor, r.ID, kind, "", conclusion, on)
		if err != nil {
			return err
		}
		if err := storeFiles(ctx, tx, r.ID, sid, files); err != nil {
			return err
		}
		e := audit.Entry{Action: "rect.accept", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s验收%s的整顿：通过", at.Name, r.OrgName), EN: fmt.Sprintf("%s accepted the rectification of %s", at.Name, r.OrgName)},
			Before:  map[string]any{"state": r.State}, After: map[string]any{"state": state, "on_date": on, "files": len(files)}}
		if kind == "reject" {
			e.Action = "rect.reject"
			e.Summary = i18n.Text{ZH: fmt.Sprintf("%s验收%s的整顿：未通过，继续整顿", at.Name, r.OrgName), EN: fmt.Sprintf("%s did not accept the rectification of %s", at.Name, r.OrgName)}
		}
		return audit.Write(ctx, tx, actor, e)
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}

// CloseInput strikes an accepted case off the list (销号).
type CloseInput struct {
	OnDate string `json:"on_date"`
	Note   string `json:"note"`
}

// Close strikes an accepted case off the list: the end of its life.
func (s *Service) Close(ctx context.Context, actor access.Actor, id int64, in CloseInput) (Rect, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, at, err := s.locked(ctx, tx, actor, id, ProgramsAccept, true)
		if err != nil {
			return err
		}
		if r.State != "accepted" {
			if r.State == "rectifying" || r.State == "listed" {
				return errs.New(errs.Conflict, fmt.Sprintf("%s尚未验收通过，不能销号：请先验收", r.OrgName), fmt.Sprintf("%s has not passed the acceptance check: accept it first", r.OrgName))
			}
			return wrongState(r, "不能销号", "it cannot be struck off")
		}
		last, err := lastStepDate(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		var f errs.Fields
		on := s.date(in.OnDate, "on_date", "销号日期", "date of striking off", last, &f)
		note := strings.TrimSpace(in.Note)
		if len([]rune(note)) > 500 {
			f.Add("note", "说明最多 500 字", "the note takes at most 500 characters")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := setState(ctx, tx, r, "closed", "closed_on = ?", on); err != nil {
			return err
		}
		if _, err := step(ctx, tx, actor, r.ID, "close", "", note, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "rect.close", TargetType: "rect", TargetID: strconv.FormatInt(r.ID, 10), OrgPath: r.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s对%s的软弱涣散整顿销号（%d 年）", at.Name, r.OrgName, r.Year),
				EN: fmt.Sprintf("%s struck %s off the %d list of weak organizations", at.Name, r.OrgName, r.Year)},
			Before: map[string]any{"state": r.State}, After: map[string]any{"state": "closed", "closed_on": on}})
	})
	if err != nil {
		return Rect{}, err
	}
	return s.Rect(ctx, actor, id)
}

// FileData is an attachment with its bytes.
type FileData struct {
	Name string
	MIME string
	Data []byte
}

// RectFile returns an attachment of a case the actor may read.
func (s *Service) RectFile(ctx context.Context, actor access.Actor, rectID, fileID int64) (FileData, error) {
	if _, err := s.Rect(ctx, actor, rectID); err != nil {
		return FileData{}, err
	}
	var f FileData
	err := s.db.QueryRow(ctx, "SELECT name, mime, data FROM rect_files WHERE id = ? AND rect_id = ?", fileID, rectID).Scan(&f.Name, &f.MIME, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return FileData{}, errs.Newf(errs.NotFound, "附件 %d 不存在", "attachment %d not found", fileID)
	}
	return f, errs.Wrap(err, "attachment")
}
