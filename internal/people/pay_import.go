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
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// The two imports of the pay floor: the incomes the statistics bureau
// publishes, a row per county and year; and the cadres' basic pay, a row
// per cadre and year, the cadre named by the whole ID number and the name
// beside it. Both are all or nothing, and list every row's problems. The
// ID numbers of a pay file are read once, to find the persons through the
// keyed index: the session keeps the persons' ids, never the numbers, and
// no message quotes one.

// The columns of the income import.
var (
	RefImportHeader = []string{"年度", "区划代码", "农村居民人均可支配收入", "城镇居民人均可支配收入"}
	RefImportNotes  = [][2]string{
		{"年度", "收入所属年度，如 2025；用于核定次年的基本报酬标准"},
		{"区划代码", "县（市、区）或设区市的 6 位行政区划代码，如 450102"},
		{"农村居民人均可支配收入", "元/年，整数，1000–200000"},
		{"城镇居民人均可支配收入", "元/年，整数，1000–300000"},
	}
	RefImportExample = []string{"2025", "450102", "21000", "45000"}
)

// The columns of the pay import.
var (
	PayImportHeader   = []string{"年度", "姓名", "身份证号", "年基本报酬"}
	PayImportOptional = []string{"村（社区）区划代码"}
	PayImportNotes    = [][2]string{
		{"年度", "报酬所属年度，如 2026"},
		{"姓名", "须与党员名册中该身份证号登记的姓名一致"},
		{"身份证号", "完整的 18 位身份证号，用于在党员名册中查找该干部；不保存、不显示"},
		{"年基本报酬", "元/年，整数，1000–1000000"},
		{"村（社区）区划代码", "选填：发放报酬的村（社区）的 12 位区划代码；不填时按该干部当年在村（社区）担任的职务确定"},
	}
	PayImportExample = []string{"2026", "张伟", "450102198503121234", "48000"}
)

// Import kinds of the pay floor's sessions.
const (
	refImportKind = "pay_reference"
	payImportKind = "cadre_pay"
)

// refRow is a row of a ready income session.
type refRow struct {
	Line  int   `json:"l"`
	OrgID int64 `json:"o"`
	Year  int   `json:"y"`
	Rural int   `json:"r"`
	Urban int   `json:"u"`
}

// payRow is a row of a ready pay session: the person by id, never by
// number.
type payRow struct {
	Line     int    `json:"l"`
	PersonID int64  `json:"p"`
	Name     string `json:"n"`
	OrgID    int64  `json:"o"`
	Year     int    `json:"y"`
	Pay      int    `json:"b"`
}

func (m *rowMessages) addf(zh, en string, args ...any) {
	m.zh, m.en = append(m.zh, fmt.Sprintf(zh, args...)), append(m.en, fmt.Sprintf(en, args...))
}

// intCell reads a whole number of yuan or a year; "48,000" and "48000.00"
// are read as 48000.
func intCell(m *rowMessages, col, v string) int {
	v = strings.ReplaceAll(strings.ReplaceAll(v, ",", ""), "，", "")
	v = strings.TrimSuffix(v, ".00")
	v = strings.TrimSuffix(v, ".0")
	if v == "" {
		m.addf("“%s”未填写", "%s is empty", col)
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		m.addf("“%s”应为整数，现为“%s”", "%s must be a whole number, not %q", col, v)
		return 0
	}
	return n
}

// CanManagePay is nil when the actor may record incomes or pay somewhere.
func (s *Service) CanManagePay(actor access.Actor) error {
	if !actor.CanAnywhere(PeopleManage) {
		return errs.New(errs.Forbidden, "您没有登记基本报酬的权限", "you may not record incomes or pay")
	}
	return nil
}

// RefImport is a validated income upload.
type RefImport struct {
	imports.Session
	Rows int
}

// PrepareRefImport validates an uploaded file of incomes: every row's
// figures, its county (by division code, within the actor's management
// scope) and no county and year twice. The session stores the rows ready,
// or every row's problems.
func (s *Service) PrepareRefImport(ctx context.Context, actor access.Actor, userID int64, fileName string, header []string, rows [][]string) (imports.Session, error) {
	if err := s.CanManagePay(actor); err != nil {
		return imports.Session{}, err
	}
	cols, err := xlsx.Columns(header, RefImportHeader, nil)
	if err != nil {
		return imports.Session{}, err
	}
	var out []refRow
	var problems []imports.Problem
	seen := map[[2]int64]int{}
	total := 0
	for r := range imports.Rows(cols, rows) {
		total++
		var m rowMessages
		in := RefInput{Year: intCell(&m, "年度", r.Cell("年度")), Rural: intCell(&m, "农村居民人均可支配收入", r.Cell("农村居民人均可支配收入")),
			Urban: intCell(&m, "城镇居民人均可支配收入", r.Cell("城镇居民人均可支配收入"))}
		if len(m.zh) == 0 {
			if err := s.refProblems(in).Err(); err != nil {
				m.add(err)
			}
		}
		code := r.Cell("区划代码")
		if o, err := s.territorial(ctx, actor, code); err != nil {
			m.add(err)
		} else if err := refLevel(o); err != nil {
			m.add(err)
		} else {
			in.OrgID = o.ID
			k := [2]int64{o.ID, int64(in.Year)}
			if first, dup := seen[k]; dup && in.Year != 0 {
				m.addf("%s %d 年的收入与第%d行重复", "%s %d repeats row %d", o.Label(), in.Year, first)
			} else {
				seen[k] = r.Line
			}
		}
		if len(m.zh) > 0 {
			problems = append(problems, m.problem(r.Line))
			continue
		}
		out = append(out, refRow{Line: r.Line, OrgID: in.OrgID, Year: in.Year, Rural: in.Rural, Urban: in.Urban})
	}
	return imports.Save(ctx, s.db, s.now(), userID, refImportKind, fileName, total, out, problems)
}

// territorial is the organization for a division code the actor manages,
// named in the refusal by its code.
func (s *Service) territorial(ctx context.Context, actor access.Actor, code string) (org.Org, error) {
	if code == "" {
		return org.Org{}, errs.New(errs.Invalid, "“区划代码”未填写", "the division code is empty")
	}
	ref, err := org.Territorial(ctx, s.db, code)
	if errors.Is(err, sql.ErrNoRows) {
		return org.Org{}, errs.Newf(errs.NotFound, "区划代码 %s 没有对应的党组织", "no organization stands for division %s", code)
	}
	if err != nil {
		return org.Org{}, errs.Wrap(err, "division")
	}
	o, err := s.orgs.Check(ctx, actor, ref.ID, PeopleManage)
	if err != nil {
		return org.Org{}, errs.Newf(errs.NotFound, "区划代码 %s 的党组织不存在或不在您的管理范围内", "the organization of division %s is not found or outside your scope", code)
	}
	return o, nil
}

// ApplyRefImport records every income of a ready session in one
// transaction, or none, and returns how many.
func (s *Service) ApplyRefImport(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
	_, _, n, err := imports.Apply(ctx, s.db, s.refImportKind(), actor, userID, id)
	return n, err
}

func (s *Service) refImportKind() imports.Kind[[]refRow] {
	return imports.Kind[[]refRow]{
		Name:    refImportKind,
		Now:     s.now,
		Allowed: func(_ context.Context, a access.Actor) error { return s.CanManagePay(a) },
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, rows []refRow) (int, audit.Entry, error) {
			var paths []string
			for _, r := range rows {
				// Checked again: the actor's grants or the tree may have
				// changed since the upload.
				o, err := s.orgs.Check(ctx, actor, r.OrgID, PeopleManage)
				if err == nil {
					err = refLevel(o)
				}
				if err != nil {
					e := errs.As(err)
					return 0, audit.Entry{}, imports.NothingImported(&errs.Error{Kind: e.Kind, Text: i18n.Text{ZH: fmt.Sprintf("第%d行：%s", r.Line, e.ZH), EN: fmt.Sprintf("row %d: %s", r.Line, e.EN)}})
				}
				paths = append(paths, o.Path)
				if _, err := tx.Exec(ctx, `INSERT INTO reference_incomes (org_id, year, rural, urban) VALUES (?, ?, ?, ?)
					ON CONFLICT (org_id, year) DO UPDATE SET rural = excluded.rural, urban = excluded.urban`, r.OrgID, r.Year, r.Rural, r.Urban); err != nil {
					return 0, audit.Entry{}, errs.Wrap(err, "reference income")
				}
			}
			return len(rows), audit.Entry{Action: "pay.reference_import", TargetType: "import", TargetID: sess.ID, OrgPath: org.CommonPath(paths),
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入人均可支配收入 %d 条", sess.FileName, len(rows)), EN: "imported " + i18n.Count(len(rows), "income", "incomes") + " from " + sess.FileName},
				After:   map[string]any{"rows": len(rows), "file": sess.FileName}}, nil
		},
	}
}

// PreparePayImport validates an uploaded file of basic pay: every row's
// year and amount; its person, found by the whole ID number through the
// keyed index, within the actor's scope, with the name beside it; the
// village or community that pays, where the person held a cadre's post
// that year and which the actor manages; no person and year twice.
func (s *Service) PreparePayImport(ctx context.Context, actor access.Actor, userID int64, fileName string, header []string, rows [][]string) (imports.Session, error) {
	if err := s.CanManagePay(actor); err != nil {
		return imports.Session{}, err
	}
	cols, err := xlsx.Columns(header, PayImportHeader, PayImportOptional)
	if err != nil {
		return imports.Session{}, err
	}
	var out []payRow
	var problems []imports.Problem
	seen := map[[2]int64]int{}
	total := 0
	for r := range imports.Rows(cols, rows) {
		total++
		var m rowMessages
		in := PayInput{Year: intCell(&m, "年度", r.Cell("年度")), BasicPay: intCell(&m, "年基本报酬", r.Cell("年基本报酬"))}
		if len(m.zh) == 0 {
			if err := s.payProblems(in).Err(); err != nil {
				m.add(err)
			}
		}
		name := r.Cell("姓名")
		p, err := s.personByNumber(ctx, actor, r.Cell("身份证号"), name)
		if err != nil {
			m.add(err)
		}
		var o org.Org
		if p.ID != 0 && in.Year != 0 {
			if code := r.Cell("村（社区）区划代码"); code != "" {
				if o, err = s.territorial(ctx, actor, code); err == nil {
					err = payOrg(o)
				}
				if err == nil {
					var held bool
					if held, err = heldCadrePost(ctx, s.db, p.ID, o.ID, in.Year); err == nil && !held {
						err = noPost(p.Name, o.Label(), in.Year)
					}
				}
			} else {
				o, err = s.cadreOrg(ctx, actor, p, in.Year)
			}
			if err != nil {
				if errs.KindOf(err) == errs.Internal {
					return imports.Session{}, err
				}
				m.add(err)
			}
		}
		if p.ID != 0 && in.Year != 0 {
			k := [2]int64{p.ID, int64(in.Year)}
			if first, dup := seen[k]; dup {
				m.addf("%s %d 年的报酬与第%d行重复", "%s's pay of %d repeats row %d", p.Name, in.Year, first)
			} else {
				seen[k] = r.Line
			}
		}
		if len(m.zh) > 0 {
			problems = append(problems, m.problem(r.Line))
			continue
		}
		out = append(out, payRow{Line: r.Line, PersonID: p.ID, Name: p.Name, OrgID: o.ID, Year: in.Year, Pay: in.BasicPay})
	}
	return imports.Save(ctx, s.db, s.now(), userID, payImportKind, fileName, total, out, problems)
}

// personByNumber finds the person of a whole ID number the actor may read,
// and checks the name given beside it. No message quotes the number.
func (s *Service) personByNumber(ctx context.Context, actor access.Actor, number, name string) (Person, error) {
	if number == "" {
		return Person{}, errs.New(errs.Invalid, "“身份证号”未填写", "the ID number is empty")
	}
	card, err := ids.ParseIDCard(foldID(number), s.today())
	if err != nil {
		// The parser's messages name a position or a length, not the digits.
		e := errs.As(err)
		return Person{}, errs.New(errs.Invalid, "身份证号无效："+e.ZH, "the ID number is not valid: "+e.EN)
	}
	if name == "" {
		return Person{}, errs.New(errs.Invalid, "“姓名”未填写", "the name is empty")
	}
	if err := s.probeWait(actor); err != nil {
		return Person{}, err
	}
	var id int64
	err = s.db.QueryRow(ctx, "SELECT id FROM persons WHERE id_index = ?", s.seal.lookup(card.Number)).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Person{}, errs.Wrap(err, "person by number")
	}
	var p Person
	if err == nil {
		p, err = s.Person(ctx, actor, id)
	}
	// Nobody, somebody outside the scope and somebody of another name read
	// alike, and each spends a probe (see probe.go).
	if err != nil || strings.TrimSpace(name) != p.Name {
		if err := s.probeMiss(actor); err != nil {
			return Person{}, err
		}
		return Person{}, errs.New(errs.NotFound, "党员名册中您管理范围内没有这个身份证号和姓名的人员", "nobody with that ID number and name is in the register within your scope")
	}
	return p, nil
}

// cadreOrg is the one village or community where the person held a
// cadre's post in the year and which the actor manages.
func (s *Service) cadreOrg(ctx context.Context, actor access.Actor, p Person, year int) (org.Org, error) {
	args := []any{p.ID, fmt.Sprintf("%d-12-31", year), fmt.Sprintf("%d-01-01", year)}
	for _, k := range payPosts {
		args = append(args, k)
	}
	rows, err := s.db.Query(ctx, "SELECT DISTINCT org_id FROM posts WHERE person_id = ? AND started_on <= ? AND (ended_on IS NULL OR ended_on >= ?) AND post IN ("+
		db.Marks(len(payPosts))+") ORDER BY org_id", args...)
	if err != nil {
		return org.Org{}, errs.Wrap(err, "posts of the year")
	}
	var found []org.Org
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return org.Org{}, errs.Wrap(err, "scan post")
		}
		if o, err := s.orgs.Check(ctx, actor, id, PeopleRead); err == nil && payOrg(o) == nil {
			found = append(found, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return org.Org{}, errs.Wrap(err, "posts of the year")
	}
	switch len(found) {
	case 0:
		return org.Org{}, errs.Newf(errs.Invalid, "%s %d 年未在村（社区）担任干部职务：请先登记其任职", "%s held no village or community cadre's post in %d: record the post first", p.Name, year)
	case 1:
		if !actor.Can(PeopleManage, found[0].Path) {
			return org.Org{}, errs.Newf(errs.Forbidden, "您没有管理%s的权限", "you may not manage %s", found[0].Label())
		}
		return found[0], nil
	}
	return org.Org{}, errs.Newf(errs.Invalid, "%s %d 年在多个村（社区）任职，请填写“村（社区）区划代码”", "%s held posts in several villages in %d: give the village's division code", p.Name, year)
}

// PayOrgOf is the one village or community where a person the actor may
// read held a cadre's post in the year and which the actor manages, for a
// form that leaves it out.
func (s *Service) PayOrgOf(ctx context.Context, actor access.Actor, personID int64, year int) (org.Org, error) {
	p, err := s.Person(ctx, actor, personID)
	if err != nil {
		return org.Org{}, err
	}
	o, err := s.cadreOrg(ctx, actor, p, year)
	if err != nil && errs.KindOf(err) != errs.Internal {
		e := errs.As(err)
		return org.Org{}, errs.Field("org_id", e.ZH, e.EN)
	}
	return o, err
}

// ApplyPayImport records every pay of a ready session in one transaction,
// or none, and returns how many.
func (s *Service) ApplyPayImport(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
	_, _, n, err := imports.Apply(ctx, s.db, s.payImportKind(), actor, userID, id)
	return n, err
}

func (s *Service) payImportKind() imports.Kind[[]payRow] {
	return imports.Kind[[]payRow]{
		Name:    payImportKind,
		Now:     s.now,
		Allowed: func(_ context.Context, a access.Actor) error { return s.CanManagePay(a) },
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, rows []payRow) (int, audit.Entry, error) {
			fail := func(line int, err error) error {
				e := errs.As(err)
				if e.Kind == errs.Internal {
					return err
				}
				return imports.NothingImported(&errs.Error{Kind: e.Kind, Text: i18n.Text{ZH: fmt.Sprintf("第%d行：%s", line, e.ZH), EN: fmt.Sprintf("row %d: %s", line, e.EN)}})
			}
			var paths []string
			for _, r := range rows {
				o, err := s.orgs.Check(ctx, actor, r.OrgID, PeopleManage)
				if err != nil {
					return 0, audit.Entry{}, fail(r.Line, err)
				}
				held, err := heldCadrePost(ctx, tx, r.PersonID, o.ID, r.Year)
				if err != nil {
					return 0, audit.Entry{}, err
				}
				if !held {
					return 0, audit.Entry{}, fail(r.Line, noPost(r.Name, o.Label(), r.Year))
				}
				if _, err := writePay(ctx, tx, r.PersonID, o.ID, r.Year, r.Pay); err != nil {
					return 0, audit.Entry{}, err
				}
				paths = append(paths, o.Path)
			}
			return len(rows), audit.Entry{Action: "pay.import", TargetType: "import", TargetID: sess.ID, OrgPath: org.CommonPath(paths),
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入村（社区）干部基本报酬 %d 条", sess.FileName, len(rows)), EN: "imported " + i18n.Count(len(rows), "basic pay", "basic pays") + " from " + sess.FileName},
				After:   map[string]any{"rows": len(rows), "file": sess.FileName}}, nil
		},
	}
}
