package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/imports"
	"jiceng/internal/xlsx"
)

// The attendance import reads, for one course, a row per member who
// attended: their name and whole ID number, which find them through the
// keyed index, and the hours credited (blank for the course's). The
// session stores only the persons found, never a number: an upload that
// was never applied leaves no ID number in the database.
var (
	AttendImportRequired = []string{"姓名", "身份证号"}
	AttendImportOptional = []string{"认定学时"}
	AttendImportExample  = []string{"张伟", "450102198503121234", "8"}
	AttendImportNotes    = [][2]string{
		{"姓名", "必填，须与身份证号登记的姓名一致"},
		{"身份证号", "必填，完整的 18 位公民身份号码，须为您管理范围内已登记的党员；设置为文本格式，以免末位被改"},
		{"认定学时", "选填，不超过本期培训的学时，可为半学时（如 1.5）；不填按本期培训的学时认定"},
	}
)

// attendImportKind is the kind of the attendance import sessions.
const attendImportKind = "training_attendance"

// attendRow is one checked row of an attendance import.
type attendRow struct {
	Line     int    `json:"line"`
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Halves   int    `json:"halves"`
}

// attendPayload is what an attendance import session stores.
type attendPayload struct {
	CourseID int64       `json:"course_id"`
	Rows     []attendRow `json:"rows"`
}

// AttendImport is a checked upload of attendance waiting to be applied.
type AttendImport struct {
	imports.Session
	CourseID int64 `json:"course_id"`
	Ready    int   `json:"ready"`
}

// CanImportAttendance reports, as an error, whether the actor may import
// attendance at all; the upload is read only when it may.
func (s *Service) CanImportAttendance(actor access.Actor) error {
	if !actor.CanAnywhere(PeopleManage) {
		return errs.New(errs.Forbidden, "您没有登记培训的权限", "you may not record training")
	}
	return nil
}

// PrepareAttendImport checks every row of an uploaded file of attendance of
// a course and stores the outcome as an import session: every row's
// problems, or the rows ready. Nothing is recorded until it is applied.
func (s *Service) PrepareAttendImport(ctx context.Context, actor access.Actor, userID, courseID int64, fileName string, header []string, rows [][]string) (AttendImport, error) {
	if err := s.CanImportAttendance(actor); err != nil {
		return AttendImport{}, err
	}
	c, err := s.Course(ctx, actor, courseID)
	if err != nil {
		return AttendImport{}, err
	}
	if err := s.attendable(c); err != nil {
		return AttendImport{}, err
	}
	cols, err := xlsx.Columns(header, AttendImportRequired, AttendImportOptional)
	if err != nil {
		return AttendImport{}, err
	}
	today := s.today()
	var p attendPayload
	p.CourseID = c.ID
	var problems []imports.Problem
	total := 0
	first := map[int64]int{} // person → the line that named them first
	for r := range imports.Rows(cols, rows) {
		total++
		var f errs.Fields
		name := strings.TrimSpace(r.Cell("姓名"))
		if name == "" {
			f.Add("name", "姓名：请填写", "name: enter it")
		}
		halves := c.halves
		if h := strings.TrimSpace(r.Cell("认定学时")); h != "" {
			v, perr := strconv.ParseFloat(h, 64)
			if perr != nil {
				f.Add("hours", "认定学时：应为数字，如 2 或 1.5", "hours: a number such as 2 or 1.5")
			} else {
				var hf errs.Fields
				halves = halvesOf(v, 1<<30, "hours", &hf)
				if err := hf.Err(); err != nil {
					e := errs.As(err)
					f.Add("hours", "认定学时："+e.Details[0].ZH, "hours: "+e.Details[0].EN)
				} else if halves > c.halves {
					f.Add("hours", fmt.Sprintf("认定学时：%s 超过本期培训的 %s 学时", FormatHours(halves), FormatHours(c.halves)),
						fmt.Sprintf("hours: %s is more than the course's %s", FormatHours(halves), FormatHours(c.halves)))
				}
			}
		}
		var person attendee
		card, cerr := ids.ParseIDCard(foldID(r.Cell("身份证号")), today)
		switch {
		case strings.TrimSpace(r.Cell("身份证号")) == "":
			f.Add("id_number", "身份证号：请填写完整的 18 位身份证号", "ID number: enter the whole 18-character number")
		case cerr != nil:
			e := errs.As(cerr)
			f.Add("id_number", "身份证号："+e.ZH, "ID number: "+e.EN)
		default:
			if err := s.probeWait(actor); err != nil {
				return AttendImport{}, err
			}
			var id int64
			err := s.db.QueryRow(ctx, "SELECT id FROM persons WHERE id_index = ?", s.seal.lookup(card.Number)).Scan(&id)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return AttendImport{}, errs.Wrap(err, "find person")
			}
			if err == nil {
				person, err = s.member(ctx, s.db, actor, id)
			}
			if err != nil || name != "" && name != person.name {
				// Unknown, outside the scope and of another name read
				// alike, and each spends a probe (see probe.go): the
				// answer must not confirm a number guessed from its mask.
				if err := s.probeMiss(actor); err != nil {
					return AttendImport{}, err
				}
				person = attendee{}
				f.Add("id_number", "身份证号：在您管理范围内的党员中未找到这个身份证号和姓名", "ID number: no member you manage has this number and name")
			}
		}
		if person.id != 0 {
			if line, dup := first[person.id]; dup {
				f.Add("id_number", fmt.Sprintf("身份证号：与第%d行是同一人（%s），同一期培训只登记一次", line, person.name), fmt.Sprintf("ID number: the same person as row %d (%s): a course is recorded once a person", line, person.name))
			} else {
				first[person.id] = r.Line
				if at, err := attendedOn(ctx, s.db, c.ID, person.id); err != nil {
					return AttendImport{}, err
				} else if at != "" {
					f.Add("id_number", fmt.Sprintf("身份证号：%s已登记参加本期培训（%s 登记）", person.name, at[:10]), fmt.Sprintf("ID number: %s's attendance was already recorded (on %s)", person.name, at[:10]))
				}
			}
		}
		if err := f.Err(); err != nil {
			problems = append(problems, problemOf(r.Line, err))
			continue
		}
		p.Rows = append(p.Rows, attendRow{Line: r.Line, PersonID: person.id, Name: person.name, Halves: halves})
	}
	sess, err := imports.Save(ctx, s.db, s.now(), userID, attendImportKind, fileName, total, p, problems)
	out := AttendImport{Session: sess, CourseID: c.ID, Ready: len(p.Rows)}
	if len(problems) > 0 {
		out.Ready = 0
	}
	return out, err
}

// ApplyAttendImport records every row of a checked session, or none, and
// returns the course and how many were recorded.
func (s *Service) ApplyAttendImport(ctx context.Context, actor access.Actor, userID int64, id string) (int64, int, error) {
	_, p, n, err := imports.Apply(ctx, s.db, s.attendImportKind(), actor, userID, id)
	return p.CourseID, n, err
}

// AttendImportApplier is the attendance import as the API's apply endpoint
// finds it.
func (s *Service) AttendImportApplier() imports.Applier {
	return imports.NewApplier(s.db, s.attendImportKind())
}

// attendImportKind checks every row again inside the transaction — the
// course, its hours, each person still a member the actor manages and not
// recorded meanwhile — and writes them in one batch.
func (s *Service) attendImportKind() imports.Kind[attendPayload] {
	return imports.Kind[attendPayload]{
		Name:    attendImportKind,
		Now:     s.now,
		Allowed: func(_ context.Context, actor access.Actor) error { return s.CanImportAttendance(actor) },
		After:   func(context.Context, int) { s.trained.forget() },
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, p attendPayload) (int, audit.Entry, error) {
			c, err := s.Course(ctx, actor, p.CourseID)
			if err != nil {
				return 0, audit.Entry{}, imports.NothingImported(err)
			}
			now := db.FormatTime(tx.Now())
			rows := make([][]any, 0, len(p.Rows))
			for _, r := range p.Rows {
				fail := func(err error) (int, audit.Entry, error) {
					pr := problemOf(r.Line, err)
					return 0, audit.Entry{}, imports.NothingImported(&errs.Error{Kind: errs.KindOf(err), Text: i18n.Text{ZH: pr.ZH, EN: pr.EN}, Err: err})
				}
				if r.Halves > c.halves {
					return fail(errs.Newf(errs.Conflict, "认定学时超过本期培训现在的 %s 学时", "the hours exceed the course's %s now", FormatHours(c.halves)))
				}
				if _, err := s.member(ctx, tx, actor, r.PersonID); err != nil {
					return fail(errs.New(errs.Conflict, r.Name+"已不是您管理范围内的党员", r.Name+" is no longer a member you manage"))
				}
				if at, err := attendedOn(ctx, tx, c.ID, r.PersonID); err != nil {
					return 0, audit.Entry{}, err
				} else if at != "" {
					return fail(alreadyAttended(r.Name, at))
				}
				rows = append(rows, []any{c.ID, r.PersonID, c.Year, r.Halves, now, actor.Username})
			}
			if err := tx.BatchInsert(ctx, "training_attendance", []string{"course_id", "person_id", "year", "halves", "created_at", "actor_name"}, rows, 300); err != nil {
				return 0, audit.Entry{}, errs.Wrap(err, "insert attendance")
			}
			return len(rows), audit.Entry{Action: "training.import", TargetType: "course", TargetID: strconv.FormatInt(c.ID, 10), OrgPath: c.path,
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入培训“%s”参训记录 %d 条", sess.FileName, c.Title, len(rows)),
					EN: fmt.Sprintf("imported %s of “%s” from %s", i18n.Count(len(rows), "attendance", "attendances"), c.Title, sess.FileName)},
				After: map[string]any{"course_id": c.ID, "rows": len(rows), "file": sess.FileName}}, nil
		},
	}
}

// LoadAttendImport reads a stored attendance import session of the user.
func (s *Service) LoadAttendImport(ctx context.Context, userID int64, id string) (AttendImport, error) {
	var p attendPayload
	sess, err := imports.Load(ctx, s.db, s.now(), userID, attendImportKind, id, &p)
	return AttendImport{Session: sess, CourseID: p.CourseID, Ready: len(p.Rows)}, err
}
