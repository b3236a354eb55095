package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/imports"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// The columns of the subject import file. A 千企议科长 list is one row per
// staff member, agency by agency and section by section; organizations are
// named by their number or, for territorial ones, their division code.
const (
	ColKind    = "类型"
	ColName    = "姓名或名称"
	ColPost    = "职务"
	ColUnit    = "单位（部门）"
	ColSection = "科室"
	ColOrg     = "党组织代码或ID"
	ColGroups  = "评委组"
	ColReport  = "述职报告"
)

// SubjectImportHeader is the header row of the subject import template.
var SubjectImportHeader = []string{ColKind, ColName, ColPost, ColUnit, ColSection, ColOrg, ColGroups, ColReport}

// SubjectImportRequired are the columns a person row must fill; the
// template marks them with *.
var SubjectImportRequired = map[string]bool{ColName: true, ColPost: true, ColUnit: true}

// importKind is the kind of the subject import sessions.
const importKind = "subject"

// columnOf is the import column of each field of a subject, for messages.
var columnOf = map[string]string{
	"kind": ColKind, "name": ColName, "post": ColPost, "unit": ColUnit, "section": ColSection,
	"org_id": ColOrg, "groups": ColGroups, "report_text": ColReport,
}

// columnAliases are other headers users give these columns, normalised by
// headerKey.
var columnAliases = map[string]string{
	"对象类型": ColKind, "测评对象类型": ColKind,
	"姓名": ColName, "名称": ColName, "姓名/名称": ColName, "姓名（名称）": ColName, "测评对象": ColName,
	"单位": ColUnit, "部门": ColUnit, "单位或部门": ColUnit, "单位/部门": ColUnit, "所在单位": ColUnit, "所在单位或部门": ColUnit,
	"科室（股室）": ColSection, "股室": ColSection,
	"党组织编号": ColOrg, "党组织id": ColOrg, "党组织代码": ColOrg, "党组织编号或区划代码": ColOrg,
	"评委组别":     ColGroups,
	"述职报告（文字）": ColReport,
}

// headerKey normalises a header cell for matching: no spaces or trailing
// * (templates mark required columns with it), full-width brackets and
// lower-case Latin letters, as users type "单位(部门)" or "党组织代码或id".
func headerKey(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimSpace(strings.TrimRight(h, "*＊"))
	h = strings.NewReplacer("(", "（", ")", "）", " ", "", "\u3000", "").Replace(h)
	return strings.ToLower(h)
}

// canonicalHeader rewrites the header cells that name a subject column,
// under any of its spellings, to the column's own name.
func canonicalHeader(header []string) []string {
	known := map[string]string{}
	for _, c := range SubjectImportHeader {
		known[headerKey(c)] = c
	}
	for a, c := range columnAliases {
		known[headerKey(a)] = c
	}
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = h
		if c, ok := known[headerKey(h)]; ok {
			out[i] = c
		}
	}
	return out
}

// SubjectImportNotes explain each column of the template of campaign c,
// listing its rater groups.
func SubjectImportNotes(c Campaign) [][2]string {
	names := make([]string, len(c.Rules.Groups))
	for i, g := range c.Rules.Groups {
		names[i] = g.Name
	}
	return [][2]string{
		{ColKind, "个人 或 党组织，不填为 个人"},
		{ColName, "个人填姓名（最多 50 字）；党组织可不填，默认用党组织名称"},
		{ColPost, "个人必填，如 科长、副科长、科员"},
		{ColUnit, "个人必填：所在单位或机关部门，如 南宁市行政审批局；同一单位的人员请连续填写"},
		{ColSection, "选填：所在科室，如 企业登记科；同一单位内同名人员以科室区分"},
		{ColOrg, "党组织必填：系统中的党组织编号（党组织详情页可见），或属地党组织对应的区划代码，如 450102001；个人不填"},
		{ColGroups, "选填：由哪些评委组评价，多个用“、”或“,”分隔；不填表示全部评委组。本次测评的评委组：" + strings.Join(names, "、")},
		{ColReport, "选填：述职报告全文（最多 20,000 字）；PDF 或图片可在导入后逐个上传"},
	}
}

// SubjectImportExample is the example row of the template of campaign c.
func SubjectImportExample(c Campaign) []string {
	groups := ""
	if len(c.Rules.Groups) > 1 {
		groups = c.Rules.Groups[0].Name + "、" + c.Rules.Groups[1].Name
	}
	return []string{"个人", "王芳", "科长", "南宁市行政审批局", "企业登记科", "", groups, ""}
}

// SubjectImport is a validated file of subjects waiting to be applied to
// its campaign. Rows (with the spreadsheet row of each in Lines) are the
// subjects as they will be added; they are empty when the file has problems.
type SubjectImport struct {
	imports.Session
	CampaignID int64
	Rows       []SubjectInput
	Lines      []int
}

// subjectPayload is what a subject import session stores.
type subjectPayload struct {
	Campaign int64         `json:"campaign"`
	Rows     []importedRow `json:"rows"`
}

type importedRow struct {
	Line int `json:"line"`
	SubjectInput
}

// rowMsg is one problem of a row, in the column it concerns.
type rowMsg struct{ col, zh, en string }

// rowProblem words the problems of one row as "第 5 行“职务”：请填写职务；“科室”：…".
func rowProblem(line int, ms []rowMsg) imports.Problem {
	zs, es := make([]string, len(ms)), make([]string, len(ms))
	for i, m := range ms {
		zs[i] = "“" + m.col + "”：" + m.zh
		es[i] = m.col + ": " + m.en
	}
	return imports.Problem{Row: line, ZH: fmt.Sprintf("第 %d 行%s", line, strings.Join(zs, "；")), EN: fmt.Sprintf("row %d, %s", line, strings.Join(es, "; "))}
}

// groupSplit separates the rater groups of a cell.
var groupSplit = regexp.MustCompile(`[、,，;；/\s]+`)

// parsedRow is one data row on its way to a SubjectInput.
type parsedRow struct {
	line int
	in   SubjectInput
	own  []rowMsg
	// ownCol marks the columns whose problems the row has already given in
	// the import's own words, so the shared rules do not repeat them.
	ownCol map[string]bool
}

func (p *parsedRow) problem(col, zh, en string) {
	p.own = append(p.own, rowMsg{col, zh, en})
	p.ownCol[col] = true
}

// CanImportSubjects reports whether actor may import subjects into the
// campaign: it must manage the campaign, which must be a draft. Upload
// handlers call it before they read the file, so that an account without
// the right cannot make the server parse one.
func (s *Service) CanImportSubjects(ctx context.Context, actor access.Actor, campaignID int64) error {
	_, err := s.draftCampaign(ctx, actor, campaignID)
	return err
}

// PrepareSubjectImport validates every row of an uploaded list of subjects
// for a draft campaign and stores the result as an import session of the
// user; nothing is added until ApplySubjectImport. Each row becomes a
// SubjectInput checked by the rules of AddSubjects, so a subject is refused
// by an import exactly when the form would refuse it; the problems name the
// row and the column.
func (s *Service) PrepareSubjectImport(ctx context.Context, actor access.Actor, userID, campaignID int64, fileName string, header []string, rows [][]string) (SubjectImport, error) {
	c, err := s.draftCampaign(ctx, actor, campaignID)
	if err != nil {
		return SubjectImport{}, err
	}
	cols, err := xlsx.Columns(canonicalHeader(header), []string{ColName}, SubjectImportHeader)
	if err != nil {
		return SubjectImport{}, err
	}
	groupKey := map[string]string{}
	names := make([]string, len(c.Rules.Groups))
	for i, g := range c.Rules.Groups {
		groupKey[g.Key], groupKey[g.Name] = g.Key, g.Key
		names[i] = g.Name
	}
	orgs := orgResolver{q: s.db, actor: actor, byCode: map[string]orgLookup{}}
	var parsed []*parsedRow
	persons := false
	for r := range imports.Rows(cols, rows) {
		p := &parsedRow{line: r.Line, ownCol: map[string]bool{}}
		p.in = SubjectInput{Name: r.Cell(ColName), Post: r.Cell(ColPost), Unit: r.Cell(ColUnit), Section: r.Cell(ColSection), ReportText: r.Cell(ColReport)}
		switch k := r.Cell(ColKind); strings.ToLower(k) {
		case "", "个人", "人员", "person":
			p.in.Kind = SubjectPerson
			persons = true
			if code := r.Cell(ColOrg); code != "" {
				p.problem(ColOrg, "个人不填党组织代码或ID；如要测评党组织，请把“类型”改为“党组织”",
					"leave it empty for a person; to rate an organization, set 类型 to 党组织")
			}
		case "党组织", "组织", "org":
			p.in.Kind = SubjectOrg
			id, zh, en, err := orgs.resolve(ctx, r.Cell(ColOrg))
			if err != nil {
				return SubjectImport{}, err
			}
			if zh != "" {
				p.problem(ColOrg, zh, en)
			}
			p.in.OrgID = id
		default:
			p.in.Kind = k
			p.problem(ColKind, fmt.Sprintf("类型应填“个人”或“党组织”，现为“%s”", k), fmt.Sprintf("the kind must be 个人 or 党组织, not \"%s\"", k))
		}
		for _, g := range groupSplit.Split(r.Cell(ColGroups), -1) {
			if g == "" {
				continue
			}
			if key, ok := groupKey[g]; ok {
				g = key
			}
			p.in.Groups = append(p.in.Groups, g)
		}
		parsed = append(parsed, p)
	}
	sess := SubjectImport{Session: imports.Session{FileName: fileName, Total: len(parsed)}, CampaignID: c.ID}
	if len(parsed) == 0 {
		return sess, imports.NoDataRows()
	}
	if len(parsed) > maxSubjectsPerCall {
		return sess, errs.Newf(errs.Invalid, "每次最多导入 %d 个测评对象，文件有 %d 行，请拆分后分批导入",
			"at most %d subjects can be imported at a time; the file has %d rows: split it", maxSubjectsPerCall, len(parsed))
	}
	if persons {
		var missing []string
		for _, col := range []string{ColPost, ColUnit} {
			if _, ok := cols[col]; !ok {
				missing = append(missing, col)
			}
		}
		if len(missing) > 0 {
			return sess, errs.New(errs.Invalid, "缺少必填列："+strings.Join(missing, "、")+"（个人测评对象必须填写）",
				"missing required columns: "+strings.Join(missing, ", ")+" (persons need them)")
		}
	}
	in := make([]SubjectInput, len(parsed))
	for i, p := range parsed {
		in[i] = p.in
	}
	shared, err := s.checkSubjects(ctx, actor, c, in)
	if err != nil {
		return sess, err
	}
	for _, sp := range shared {
		p := parsed[sp.index]
		col := columnOf[sp.field]
		if p.ownCol[col] || sp.field == "kind" {
			continue
		}
		zh, en := sp.message(fmt.Sprintf("第 %d 行", parsed[max(sp.same, 0)].line), fmt.Sprintf("row %d", parsed[max(sp.same, 0)].line))
		if sp.field == "groups" {
			zh += "，可填：" + strings.Join(names, "、")
			en += "; the groups are " + strings.Join(names, ", ")
		}
		p.own = append(p.own, rowMsg{col, zh, en})
	}
	for i, p := range parsed {
		if len(p.own) > 0 {
			sess.Problems = append(sess.Problems, rowProblem(p.line, p.own))
			continue
		}
		sess.Rows = append(sess.Rows, in[i])
		sess.Lines = append(sess.Lines, p.line)
	}
	payload := subjectPayload{Campaign: c.ID, Rows: []importedRow{}}
	if len(sess.Problems) == 0 {
		for i, r := range sess.Rows {
			payload.Rows = append(payload.Rows, importedRow{Line: sess.Lines[i], SubjectInput: r})
		}
	} else {
		sess.Rows, sess.Lines = nil, nil
	}
	sess.Session, err = imports.Save(ctx, s.db, s.now(), userID, importKind, fileName, sess.Total, payload, sess.Problems)
	return sess, err
}

// LoadSubjectImport returns a subject import session of the user.
func (s *Service) LoadSubjectImport(ctx context.Context, userID int64, id string) (SubjectImport, error) {
	var p subjectPayload
	sess, err := imports.Load(ctx, s.db, s.now(), userID, importKind, id, &p)
	if err != nil {
		return SubjectImport{}, err
	}
	return subjectImportOf(sess, p), nil
}

// subjectImportOf is the session with the campaign and rows of its payload.
func subjectImportOf(sess imports.Session, p subjectPayload) SubjectImport {
	out := SubjectImport{Session: sess, CampaignID: p.Campaign}
	for _, r := range p.Rows {
		out.Rows = append(out.Rows, r.SubjectInput)
		out.Lines = append(out.Lines, r.Line)
	}
	return out
}

// ApplySubjectImport adds every subject of a valid session to its campaign
// in one transaction, checking each row again, under the campaign's lock,
// against the subjects as they are now: if any row fails, or the campaign
// has opened meanwhile, nothing is added. A session is applied once. It
// returns the session with the campaign and the rows added.
func (s *Service) ApplySubjectImport(ctx context.Context, actor access.Actor, userID int64, id string) (SubjectImport, error) {
	sess, p, _, err := imports.Apply(ctx, s.db, s.subjectImportKind(), actor, userID, id)
	return subjectImportOf(sess, p), err
}

// SubjectImportApplier is the subject import as the API's apply endpoint
// finds it.
func (s *Service) SubjectImportApplier() imports.Applier {
	return imports.NewApplier(s.db, s.subjectImportKind())
}

// subjectImportKind is what the import flow needs of subjects. The right
// to import depends on the campaign the session names, so it is checked
// once the session is read, and again under the campaign's lock.
func (s *Service) subjectImportKind() imports.Kind[subjectPayload] {
	return imports.Kind[subjectPayload]{
		Name: importKind,
		Now:  s.now,
		Check: func(ctx context.Context, actor access.Actor, _ imports.Session, p subjectPayload) error {
			_, err := s.draftCampaign(ctx, actor, p.Campaign)
			return err
		},
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, is imports.Session, p subjectPayload) (int, audit.Entry, error) {
			sess := subjectImportOf(is, p)
			c, err := s.lockDraftTx(ctx, tx, actor, sess.CampaignID)
			if err != nil {
				return 0, audit.Entry{}, err
			}
			// No organization is dissolved between the check and the insert.
			if err := tx.LockTreeShared(ctx); err != nil {
				return 0, audit.Entry{}, errs.Wrap(err, "lock tree")
			}
			probs, err := s.checkSubjects(ctx, actor, c, sess.Rows)
			if err != nil {
				return 0, audit.Entry{}, err
			}
			if len(probs) > 0 {
				p := probs[0]
				zh, en := p.message(fmt.Sprintf("第 %d 行", sess.Lines[max(p.same, 0)]), fmt.Sprintf("row %d", sess.Lines[max(p.same, 0)]))
				rp := rowProblem(sess.Lines[p.index], []rowMsg{{columnOf[p.field], zh, en}})
				return 0, audit.Entry{}, errs.New(errs.Conflict, rp.ZH+"（未导入任何数据，请重新上传）", rp.EN+" (nothing was imported: upload the file again)")
			}
			if err := insertSubjectsTx(ctx, tx, c.ID, sess.Rows); err != nil {
				return 0, audit.Entry{}, err
			}
			return len(sess.Rows), audit.Entry{Action: "evaluation.subjects_import", TargetType: "campaign", TargetID: strconv.FormatInt(c.ID, 10),
				OrgPath: c.ownerPath, Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 为测评 %s 导入测评对象 %d 个", sess.FileName, c.Name, len(sess.Rows)), EN: "imported " + i18n.Count(len(sess.Rows), "subject", "subjects") + " into " + c.Name + " from " + sess.FileName},
				After: map[string]any{"file": sess.FileName, "import": is.ID, "subjects": sess.Rows}}, nil
		},
	}
}

// orgLookup is a resolved 党组织代码或ID: an organization id, or why none.
type orgLookup struct {
	id     int64
	zh, en string
}

// orgResolver finds the organizations a file names, once per distinct cell.
type orgResolver struct {
	q      db.Querier
	actor  access.Actor
	byCode map[string]orgLookup
}

// regionCodeLengths are the lengths of the division codes that territorial
// organizations stand for: county, township and village.
var regionCodeLengths = map[int]bool{6: true, 9: true, 12: true}

// resolve reads a 党组织代码或ID cell: the number of an organization (as its
// page shows it, optionally written "ID:203"), or the division code of a
// territorial organization. A number that is both, for two different
// organizations, is refused rather than guessed. Whether the actor may rate
// the organization is left to checkSubjects.
func (r *orgResolver) resolve(ctx context.Context, v string) (int64, string, string, error) {
	if v == "" {
		return 0, "请填写党组织编号（党组织详情页可见）或属地党组织的区划代码", "enter the organization's number (shown on its page) or its division code", nil
	}
	if l, ok := r.byCode[v]; ok {
		return l.id, l.zh, l.en, nil
	}
	l, err := r.lookup(ctx, v)
	if err != nil {
		return 0, "", "", err
	}
	r.byCode[v] = l
	return l.id, l.zh, l.en, nil
}

func (r *orgResolver) lookup(ctx context.Context, v string) (orgLookup, error) {
	idOnly := false
	num := v
	for _, prefix := range []string{"ID:", "ID：", "id:", "id：", "编号:", "编号：", "#"} {
		if strings.HasPrefix(v, prefix) {
			num, idOnly = strings.TrimSpace(strings.TrimPrefix(v, prefix)), true
			break
		}
	}
	id, perr := strconv.ParseInt(num, 10, 64)
	if perr != nil || id <= 0 {
		return orgLookup{zh: fmt.Sprintf("“%s”应为党组织编号（数字）或区划代码", v), en: fmt.Sprintf("\"%s\" must be an organization number or a division code", v)}, nil
	}
	var territorial int64
	var path string
	if !idOnly && regionCodeLengths[len(num)] {
		o, err := org.Territorial(ctx, r.q, num)
		if err != nil && err != sql.ErrNoRows {
			return orgLookup{}, errs.Wrap(err, "organization by division")
		}
		territorial, path = o.ID, o.Path
	}
	if territorial == 0 {
		return orgLookup{id: id}, nil
	}
	if !r.actor.Can(access.OrgRead, path) {
		// Named by the code the user gave, not by an id they never saw.
		return orgLookup{zh: fmt.Sprintf("区划代码 %s 对应的党组织不存在或不在您的管理范围内", num), en: fmt.Sprintf("no organization in your scope stands for division %s", num)}, nil
	}
	if territorial != id {
		o, err := org.Lookup(ctx, r.q, id)
		if err != nil && err != sql.ErrNoRows {
			return orgLookup{}, errs.Wrap(err, "organization by id")
		}
		// Only an organization the user may see makes the number ambiguous:
		// the answer must not tell whether one exists outside their scope.
		if err == nil && r.actor.Can(access.OrgRead, o.Path) {
			return orgLookup{zh: fmt.Sprintf("%s 既是一个党组织的编号，又是另一个党组织的区划代码：按编号请写 ID:%s，按区划代码请改用党组织编号", num, num),
				en: fmt.Sprintf("%s is the number of one organization and the division code of another: write ID:%s for the number, or give the other's number", num, num)}, nil
		}
	}
	return orgLookup{id: territorial}, nil
}
