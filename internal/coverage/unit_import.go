package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
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

// The columns of the unit import file follow the public enterprise
// registry: every row needs the name, the credit code, the village-level
// division and the leading organization, given either by its number or by
// the division code of a territorial organization.
var (
	ImportRequired    = []string{"名称", "统一社会信用代码", "所在区划代码"}
	ImportAffiliation = []string{"隶属党组织编号", "隶属党组织区划代码"}
	ImportOptional    = []string{"法定代表人", "住所", "类别", "行业", "从业人数", "正式党员", "预备党员", "法定代表人是否党员"}
)

// ImportNotes explain each column, for the template's notes sheet.
var ImportNotes = [][2]string{
	{"名称", "单位登记名称，最多 200 字"},
	{"统一社会信用代码", "18 位，按营业执照或登记证书填写，系统校验第 17、18 位校验码"},
	{"所在区划代码", "单位所在村（社区）的 12 位统计用区划代码"},
	{"隶属党组织编号", "领导该单位党建工作的党组织在本系统中的编号；与“隶属党组织区划代码”二选一"},
	{"隶属党组织区划代码", "领导该单位党建工作的乡镇（街道）等属地党组织对应的区划代码，如 450102001；与“隶属党组织编号”二选一"},
	{"法定代表人", "选填"},
	{"住所", "选填"},
	{"类别", "选填：非公有制企业、社会团体、民办非企业单位（社会服务机构）、基金会、其他；不填时按信用代码第 1–2 位判断"},
	{"行业", "选填：国民经济行业分类门类字母（A–T）或名称，如 C 或 制造业"},
	{"从业人数", "整数，不填为 0；达到规模以上标准（默认 50 人）的单位计入规模以上"},
	{"正式党员", "整数，不填为 0"},
	{"预备党员", "整数，不填为 0"},
	{"法定代表人是否党员", "是 或 否，不填为 否"},
}

// ImportExample is the example row of the template, in the order of
// ImportHeader.
var ImportExample = []string{"南宁市某某科技有限公司", "91450102MA5KQ2N83Y", "450102001003", "", "450102001", "张三", "南宁市兴宁区民生街道兴宁社区 1 号",
	"非公有制企业", "I", "35", "2", "0", "否"}

// ImportHeader is the header row of the template.
func ImportHeader() []string {
	h := append([]string{}, ImportRequired...)
	h = append(h, ImportAffiliation...)
	return append(h, ImportOptional...)
}

// Problem is one bad row of an import, as for organizations.
type Problem = imports.Problem

// importKind is the kind of the unit import sessions.
const importKind = "unit"

// ImportSession is a validated upload of units waiting to be applied.
type ImportSession struct {
	imports.Session
	Rows  []Input
	lines []int // spreadsheet row of each of Rows
}

// storedRow is one row of a ready session in import_sessions.payload, with
// short keys: a 50,000-row file stays a few megabytes.
type storedRow struct {
	Line int    `json:"l"`
	Code string `json:"c"`
	Name string `json:"n"`
	Cat  string `json:"k,omitempty"`
	Ind  string `json:"i,omitempty"`
	Emp  int    `json:"e,omitempty"`
	Reg  string `json:"r"`
	Addr string `json:"a,omitempty"`
	Rep  string `json:"p,omitempty"`
	RepM bool   `json:"m,omitempty"`
	Full int    `json:"f,omitempty"`
	Prob int    `json:"b,omitempty"`
	Aff  int64  `json:"o"`
}

// msg is one problem found in a row, in both languages.
type msg struct{ zh, en string }

func msgOf(err error) []msg {
	e := errs.As(err)
	if len(e.Details) > 1 {
		out := make([]msg, 0, len(e.Details))
		for _, d := range e.Details {
			out = append(out, msg{d.ZH, d.EN})
		}
		return out
	}
	return []msg{{e.ZH, e.EN}}
}

// rowProblem joins the problems of one row into "第N行：…；…".
func rowProblem(line int, ms []msg) Problem {
	zs, es := make([]string, len(ms)), make([]string, len(ms))
	for i, m := range ms {
		zs[i], es[i] = m.zh, m.en
	}
	return Problem{Row: line, ZH: fmt.Sprintf("第%d行：%s", line, strings.Join(zs, "；")), EN: fmt.Sprintf("row %d: %s", line, strings.Join(es, "; "))}
}

// affCache resolves leading organizations once per id and per division
// code, whatever the number of rows naming them.
type affCache struct {
	q        db.Querier
	actor    access.Actor
	byID     map[int64]affResult
	byRegion map[string]regionResult
}

type affResult struct {
	path string
	err  error
}

type regionResult struct {
	id  int64
	err error
}

func newAffCache(q db.Querier, actor access.Actor) *affCache {
	return &affCache{q: q, actor: actor, byID: map[int64]affResult{}, byRegion: map[string]regionResult{}}
}

// byOrg applies the rules of Service.affiliation to organization id.
func (c *affCache) byOrg(ctx context.Context, id int64) (string, error) {
	if r, ok := c.byID[id]; ok {
		return r.path, r.err
	}
	o, err := org.Lookup(ctx, c.q, id)
	path, status := o.Path, o.Status
	var r affResult
	switch {
	case err == sql.ErrNoRows || (err == nil && !c.actor.Can(access.OrgRead, path)):
		r.err = errs.Field("affiliation_org_id", fmt.Sprintf("隶属党组织 %d 不存在或不在您的管理范围内", id), fmt.Sprintf("organization %d not found or outside your scope", id))
	case err != nil:
		return "", errs.Wrap(err, "affiliation")
	case !c.actor.Can(UnitManage, path):
		r.err = errs.New(errs.Forbidden, "您没有管理该党组织下两新组织的权限", "you may not manage units under this organization")
	case status != org.StatusActive:
		r.err = errs.Field("affiliation_org_id", "隶属党组织已撤销，请选择其他党组织", "the organization is dissolved: choose another")
	default:
		r.path = path
	}
	c.byID[id] = r
	return r.path, r.err
}

// territorial finds the territorial organization of a division code.
func (c *affCache) territorial(ctx context.Context, code string) (int64, error) {
	if r, ok := c.byRegion[code]; ok {
		return r.id, r.err
	}
	var r regionResult
	o, err := org.Territorial(ctx, c.q, code)
	r.id = o.ID
	switch {
	case err != nil && err != sql.ErrNoRows:
		return 0, errs.Wrap(err, "affiliation by region")
	case err == sql.ErrNoRows || !c.actor.Can(access.OrgRead, o.Path):
		// One answer for both, so that nobody learns what stands outside
		// their scope.
		r = regionResult{err: errs.Newf(errs.Invalid, "没有与隶属党组织区划代码 %s 关联的党组织，或该党组织不在您的管理范围内",
			"no organization in your scope stands for division %s", code)}
	}
	c.byRegion[code] = r
	return r.id, r.err
}

// existing is a unit already registered under a credit code.
type existing struct {
	id         int64
	name, path string
}

// dupChunk is the number of credit codes checked against the registry per query.
const dupChunk = 500

// registered returns the units already registered under any of codes,
// looked up dupChunk codes per query.
func registered(ctx context.Context, q db.Querier, codes []string) (map[string]existing, error) {
	out := map[string]existing{}
	for start := 0; start < len(codes); start += dupChunk {
		part := codes[start:min(start+dupChunk, len(codes))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := q.Query(ctx, "SELECT u.credit_code, u.id, u.name, "+org.PathCol("a")+" FROM units u"+org.Join("a", "u.affiliation_org_id")+" WHERE u.credit_code IN ("+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+")", args...)
		if err != nil {
			return nil, errs.Wrap(err, "duplicate check")
		}
		for rows.Next() {
			var code string
			var e existing
			if err := rows.Scan(&code, &e.id, &e.name, &e.path); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "scan duplicate")
			}
			out[code] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "duplicate rows")
		}
	}
	return out, nil
}

// duplicateOf words a registered credit code as Service.Create does: the
// existing unit is named only to an actor who may see it.
func duplicateOf(actor access.Actor, code string, e existing) msg {
	if actor.Can(UnitRead, e.path) {
		return msg{fmt.Sprintf("统一社会信用代码 %s 已登记：%s（编号 %d）", code, e.name, e.id), fmt.Sprintf("credit code %s is already registered: %s (id %d)", code, e.name, e.id)}
	}
	return msg{fmt.Sprintf("统一社会信用代码 %s 已由其他党组织登记，请联系上级组织部门核实隶属关系", code),
		fmt.Sprintf("credit code %s is already registered by another organization: ask the department above to check the affiliation", code)}
}

// categoryAliases are names of the unit categories common in registry
// exports that differ from the labels of Categories.
var categoryAliases = map[string]string{
	"企业": "private", "非公企业": "private", "非公有制经济组织": "private", "私营企业": "private",
	"社团": "social_group", "民办非企业单位": "civil_nonenterprise", "民办非企业": "civil_nonenterprise", "社会服务机构": "civil_nonenterprise", "民非": "civil_nonenterprise",
}

// intCell reads a count: empty is 0, "1,200" and "35.0" (as Excel writes
// numbers) are accepted.
func intCell(col, v string) (int, *msg) {
	if v == "" {
		return 0, nil
	}
	s := strings.NewReplacer(",", "", "，", "", " ", "").Replace(v)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, &msg{fmt.Sprintf("%s“%s”应为整数", col, v), fmt.Sprintf("%s %q must be a whole number", col, v)}
	}
	return int(f), nil
}

func yesNo(col, v string) (bool, *msg) {
	switch strings.ToLower(v) {
	case "", "否", "不是", "n", "no", "false", "0":
		return false, nil
	case "是", "y", "yes", "true", "1":
		return true, nil
	}
	return false, &msg{fmt.Sprintf("%s应填“是”或“否”，现为“%s”", col, v), fmt.Sprintf("%s must be 是 or 否, not %q", col, v)}
}

// CanImport reports (as a Forbidden error) whether actor may import units
// at all. Upload handlers call it before they read the file, so that an
// account without the right cannot make the server parse one; each row's
// organization is checked later, by PrepareImport.
func (s *Service) CanImport(ctx context.Context, actor access.Actor) error {
	if !actor.CanAnywhere(UnitManage) {
		return errs.New(errs.Forbidden, "您没有导入两新组织的权限（需要 unit.manage 权限）", "you may not import units (the unit.manage permission is needed)")
	}
	return nil
}

// PrepareImport validates every row of an uploaded file of units and stores
// the result as an import session; nothing is registered until ApplyImport.
// Each row follows the rules of Create; credit codes must be new to the
// registry and appear once in the file. The organizations named are looked
// up once each and the registry is searched 500 codes per query, so a file
// of 50,000 rows costs about a hundred queries.
func (s *Service) PrepareImport(ctx context.Context, actor access.Actor, userID int64, fileName string, header []string, rows [][]string) (ImportSession, error) {
	if err := s.CanImport(ctx, actor); err != nil {
		return ImportSession{}, err
	}
	cols, err := xlsxColumns(header)
	if err != nil {
		return ImportSession{}, err
	}
	if _, err := s.regions.Get(); err != nil {
		return ImportSession{}, errs.Wrap(err, "regions")
	}
	sess := ImportSession{Session: imports.Session{FileName: fileName}}
	type parsed struct {
		line int
		in   Input
		ms   []msg
	}
	var all []*parsed
	aff := newAffCache(s.db, actor)
	firstLine := map[string]int{}
	for r := range imports.Rows(cols, rows) {
		p := &parsed{line: r.Line}
		sess.Total++
		all = append(all, p)
		in := Input{CreditCode: r.Cell("统一社会信用代码"), Name: r.Cell("名称"), Category: r.Cell("类别"), Industry: r.Cell("行业"),
			RegionCode: r.Cell("所在区划代码"), Address: r.Cell("住所"), LegalRep: r.Cell("法定代表人")}
		if k, ok := categoryAliases[in.Category]; ok {
			in.Category = k
		}
		for _, f := range []struct {
			col string
			dst *int
		}{{"从业人数", &in.Employees}, {"正式党员", &in.FullMembers}, {"预备党员", &in.ProbationaryMembers}} {
			n, m := intCell(f.col, r.Cell(f.col))
			if m != nil {
				p.ms = append(p.ms, *m)
			}
			*f.dst = n
		}
		var m *msg
		if in.LegalRepMember, m = yesNo("法定代表人是否党员", r.Cell("法定代表人是否党员")); m != nil {
			p.ms = append(p.ms, *m)
		}
		// The leading organization: by number, else by division code.
		idCell, regionCell := r.Cell("隶属党组织编号"), r.Cell("隶属党组织区划代码")
		var affErr error
		switch {
		case idCell != "":
			id, perr := strconv.ParseInt(idCell, 10, 64)
			if perr != nil || id <= 0 {
				affErr = errs.Newf(errs.Invalid, "隶属党组织编号“%s”应为数字", "the organization number %q must be a number", idCell)
				break
			}
			if regionCell != "" {
				if rid, rerr := aff.territorial(ctx, regionCell); rerr == nil && rid != id {
					affErr = errs.Newf(errs.Invalid, "隶属党组织编号 %d 与隶属党组织区划代码 %s 不是同一个党组织，请只填一项", "organization %d and division %s name different organizations: give one of them", id, regionCell)
					break
				}
			}
			in.AffiliationOrgID = id
		case regionCell != "":
			in.AffiliationOrgID, affErr = aff.territorial(ctx, regionCell)
		default:
			affErr = errs.New(errs.Invalid, "请填写隶属党组织编号或隶属党组织区划代码", "give the leading organization's number or division code")
		}
		if affErr == nil {
			_, affErr = aff.byOrg(ctx, in.AffiliationOrgID)
		}
		if affErr != nil && errs.KindOf(affErr) == errs.Internal {
			return ImportSession{}, affErr
		}
		if affErr != nil {
			in.AffiliationOrgID = -1 // reported below, not again by validate
		}
		if err := s.validate(&in); err != nil {
			p.ms = append(p.ms, msgOf(err)...)
		}
		if affErr != nil {
			p.ms = append(p.ms, msgOf(affErr)...)
		}
		if _, err := ids.ParseCreditCode(in.CreditCode); err == nil {
			if first, dup := firstLine[in.CreditCode]; dup {
				p.ms = append(p.ms, msg{fmt.Sprintf("统一社会信用代码 %s 与第%d行重复", in.CreditCode, first), fmt.Sprintf("credit code %s repeats row %d", in.CreditCode, first)})
			} else {
				firstLine[in.CreditCode] = p.line
			}
		}
		p.in = in
	}
	codes := make([]string, 0, len(firstLine))
	for c := range firstLine {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	known, err := registered(ctx, s.db, codes)
	if err != nil {
		return sess, err
	}
	for _, p := range all {
		if e, ok := known[p.in.CreditCode]; ok && firstLine[p.in.CreditCode] == p.line {
			p.ms = append(p.ms, duplicateOf(actor, p.in.CreditCode, e))
		}
		if len(p.ms) > 0 {
			sess.Problems = append(sess.Problems, rowProblem(p.line, p.ms))
			continue
		}
		sess.Rows = append(sess.Rows, p.in)
		sess.lines = append(sess.lines, p.line)
	}
	var stored []storedRow
	if len(sess.Problems) == 0 {
		stored = make([]storedRow, len(sess.Rows))
		for i, in := range sess.Rows {
			stored[i] = storedRow{Line: sess.lines[i], Code: in.CreditCode, Name: in.Name, Cat: in.Category, Ind: in.Industry, Emp: in.Employees, Reg: in.RegionCode,
				Addr: in.Address, Rep: in.LegalRep, RepM: in.LegalRepMember, Full: in.FullMembers, Prob: in.ProbationaryMembers, Aff: in.AffiliationOrgID}
		}
	}
	sess.Session, err = imports.Save(ctx, s.db, s.now(), userID, importKind, fileName, sess.Total, stored, sess.Problems)
	return sess, err
}

// xlsxColumns maps the header, requiring one of the two affiliation columns.
func xlsxColumns(header []string) (map[string]int, error) {
	cols, err := xlsx.Columns(header, ImportRequired, append(append([]string{}, ImportAffiliation...), ImportOptional...))
	if err != nil {
		return nil, err
	}
	if _, ok := cols[ImportAffiliation[0]]; !ok {
		if _, ok := cols[ImportAffiliation[1]]; !ok {
			return nil, errs.New(errs.Invalid, "缺少必填列：隶属党组织编号 或 隶属党组织区划代码", "missing required column: 隶属党组织编号 or 隶属党组织区划代码")
		}
	}
	return cols, nil
}

// LoadImport returns a stored unit import session of the user.
func (s *Service) LoadImport(ctx context.Context, userID int64, id string) (ImportSession, error) {
	var stored []storedRow
	sess, err := imports.Load(ctx, s.db, s.now(), userID, importKind, id, &stored)
	if err != nil {
		return ImportSession{Session: sess}, err
	}
	return sessionOf(sess, stored), nil
}

// sessionOf is the session with the rows of its payload.
func sessionOf(sess imports.Session, stored []storedRow) ImportSession {
	out := ImportSession{Session: sess}
	for _, r := range stored {
		out.Rows = append(out.Rows, Input{CreditCode: r.Code, Name: r.Name, Category: r.Cat, Industry: r.Ind, Employees: r.Emp, RegionCode: r.Reg,
			Address: r.Addr, LegalRep: r.Rep, LegalRepMember: r.RepM, FullMembers: r.Full, ProbationaryMembers: r.Prob, AffiliationOrgID: r.Aff})
		out.lines = append(out.lines, r.Line)
	}
	return out
}

// ApplyImport registers every unit of a valid session in one transaction,
// checking each row again against the registry as it is now: if any row
// fails, nothing is registered. A session is applied once.
func (s *Service) ApplyImport(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
	_, _, n, err := imports.Apply(ctx, s.db, s.importKind(), actor, userID, id)
	return n, err
}

// ImportApplier is the unit import as the API's apply endpoint finds it.
func (s *Service) ImportApplier() imports.Applier { return imports.NewApplier(s.db, s.importKind()) }

// importKind is what the import flow needs of units: the right to import,
// the transaction that holds the tree lock, and how the rows of a session
// are registered.
func (s *Service) importKind() imports.Kind[[]storedRow] {
	return imports.Kind[[]storedRow]{
		Name:    importKind,
		Now:     s.now,
		Allowed: s.CanImport,
		InTx:    s.unitTx,
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, stored []storedRow) (int, audit.Entry, error) {
			st, err := s.Settings(ctx)
			if err != nil {
				return 0, audit.Entry{}, err
			}
			is := sessionOf(sess, stored)
			now := db.FormatTime(s.now())
			batch := make([]BulkUnit, len(is.Rows))
			for i, in := range is.Rows {
				batch[i] = BulkUnit{Input: in, CreatedAt: now}
			}
			path, err := s.writeUnits(ctx, tx, actor, batch, st, func(i int) int { return is.lines[i] }, "导入")
			if err != nil {
				return 0, audit.Entry{}, imports.NothingImported(err)
			}
			return len(batch), audit.Entry{Action: "unit.import", TargetType: "import", TargetID: sess.ID, OrgPath: path,
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入两新组织 %d 个", sess.FileName, len(batch)), EN: "imported " + i18n.Count(len(batch), "unit", "units") + " from " + sess.FileName}, After: map[string]any{"rows": len(batch), "file": sess.FileName}}, nil
		},
		After: s.analyze,
	}
}

// BulkUnit is a unit for BulkCreate: the fields of a registration, how it
// is covered now and, optionally, the dated changes that led there.
type BulkUnit struct {
	Input
	Coverage      string // a coverage status; "" means none
	CoverageOrgID int64  // the unit's own organization or its joint branch
	Instructor    string
	CreatedAt     string       // db timestamp of the registration; "" = now
	History       []BulkChange // oldest first; empty: registration, then the current coverage
	Confirmed     bool         // the category was confirmed
}

// BulkChange is one dated coverage state of a unit.
type BulkChange struct {
	Coverage   string
	OrgID      int64
	Instructor string
	At         string // db timestamp
	Note       string
}

// BulkCreate registers many units at once with their coverage, for data
// migrations, demo data and benchmarks: every unit is checked by the rules
// of Create and SetCoverage (the same messages, prefixed "第N个单位："), then
// all are written in one transaction with batched inserts, the aggregates
// added per group and one audit entry. It returns the number registered.
func (s *Service) BulkCreate(ctx context.Context, actor access.Actor, units []BulkUnit) (int, error) {
	if len(units) == 0 {
		return 0, nil
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := s.regions.Get(); err != nil {
		return 0, errs.Wrap(err, "regions")
	}
	err = s.unitTx(ctx, func(tx *db.Tx) error {
		path, err := s.writeUnits(ctx, tx, actor, units, st, nil, "登记")
		if err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "unit.bulk_create", TargetType: "unit", TargetID: "", OrgPath: path,
			Summary: i18n.Textf("批量登记两新组织 %d 个", "registered %d units at once", len(units)), After: map[string]any{"rows": len(units)}})
	})
	if err != nil {
		return 0, err
	}
	s.analyze(ctx, len(units))
	return len(units), nil
}

// bulkUnitCols are the columns written by writeUnits.
var bulkUnitCols = []string{"id", "credit_code", "name", "category", "category_confirmed", "industry", "employees", "size_class", "region_code", "province", "address",
	"legal_rep", "legal_rep_member", "full_members", "probationary_members", "affiliation_org_id", "coverage", "coverage_org_id", "instructor", "status",
	"created_at", "updated_at"}

var bulkHistoryCols = []string{"unit_id", "coverage", "coverage_org_id", "instructor", "changed_at", "actor_name", "note"}

// bulkPer is the number of rows per INSERT statement.
const bulkPer = 500

type aggKey struct {
	org                                int64
	category, size, industry, coverage string
}

// writeUnits checks and inserts units inside tx. line maps an index to the
// spreadsheet row quoted in messages (nil: "第N个单位"). It returns the
// path of the deepest organization above every unit, for the audit entry.
func (s *Service) writeUnits(ctx context.Context, tx *db.Tx, actor access.Actor, units []BulkUnit, st Settings, line func(int) int, note string) (string, error) {
	fail := func(i int, err error) error {
		if errs.KindOf(err) == errs.Internal {
			return err
		}
		ms := msgOf(err)
		var p Problem
		if line != nil {
			p = rowProblem(line(i), ms)
		} else {
			p = rowProblem(i+1, ms)
			p.ZH = fmt.Sprintf("第%d个单位：%s", i+1, strings.TrimPrefix(p.ZH, fmt.Sprintf("第%d行：", i+1)))
			p.EN = fmt.Sprintf("unit %d: %s", i+1, strings.TrimPrefix(p.EN, fmt.Sprintf("row %d: ", i+1)))
		}
		return &errs.Error{Kind: errs.KindOf(err), Text: i18n.Text{ZH: p.ZH, EN: p.EN}}
	}
	aff := newAffCache(tx, actor)
	paths := make([]string, len(units))
	seen := make(map[string]int, len(units))
	codes := make([]string, 0, len(units))
	covOrgs := map[int64]bool{}
	for i := range units {
		u := &units[i]
		if err := s.validate(&u.Input); err != nil {
			return "", fail(i, err)
		}
		p, err := aff.byOrg(ctx, u.AffiliationOrgID)
		if err != nil {
			return "", fail(i, err)
		}
		paths[i] = p
		if first, dup := seen[u.CreditCode]; dup {
			ln := first + 1
			if line != nil {
				ln = line(first)
			}
			what := "行"
			if line == nil {
				what = "个单位"
			}
			return "", fail(i, errs.Newf(errs.Conflict, "统一社会信用代码 %s 与第%d"+what+"重复", "credit code %s repeats entry %d", u.CreditCode, ln))
		}
		seen[u.CreditCode] = i
		codes = append(codes, u.CreditCode)
		if u.Coverage == "" {
			u.Coverage = None
		}
		k, ok := org.KeyOf(Statuses, u.Coverage)
		if !ok {
			return "", fail(i, errs.Field("coverage", "覆盖方式应为 单独组建、联合组建、选派党建指导员 或 未覆盖", "coverage must be own, joint, instructor or none"))
		}
		u.Coverage = k
		switch k {
		case Own, Joint:
			if u.CoverageOrgID == 0 {
				return "", fail(i, errs.Field("org_id", "请选择该单位的党组织", "choose the unit's Party organization"))
			}
			covOrgs[u.CoverageOrgID] = true
			u.Instructor = ""
		case Instructor:
			if u.Instructor = strings.TrimSpace(u.Instructor); u.Instructor == "" {
				return "", fail(i, errs.Field("instructor", "请填写选派的党建指导员姓名", "enter the instructor's name"))
			}
			u.CoverageOrgID = 0
		default:
			u.CoverageOrgID, u.Instructor = 0, ""
		}
	}
	if err := s.checkCoverageOrgs(ctx, tx, actor, units, covOrgs, fail); err != nil {
		return "", err
	}
	known, err := registered(ctx, tx, codes)
	if err != nil {
		return "", err
	}
	for i := range units {
		if e, ok := known[units[i].CreditCode]; ok {
			m := duplicateOf(actor, units[i].CreditCode, e)
			return "", fail(i, errs.New(errs.Conflict, m.zh, m.en))
		}
	}
	ids, err := allocateIDs(ctx, tx, len(units))
	if err != nil {
		return "", err
	}
	now := db.FormatTime(s.now())
	rows := make([][]any, len(units))
	var hist [][]any
	counts := map[aggKey]int{}
	for i := range units {
		u := &units[i]
		created := u.CreatedAt
		if created == "" {
			created = now
		}
		size := sizeClass(u.Employees, st)
		updated := created
		h := u.History
		if len(h) == 0 {
			h = []BulkChange{{Coverage: None, At: created, Note: note}}
			if u.Coverage != None {
				h = append(h, BulkChange{Coverage: u.Coverage, OrgID: u.CoverageOrgID, Instructor: u.Instructor, At: created, Note: note})
			}
		}
		for _, c := range h {
			var oid any
			if c.OrgID != 0 {
				oid = c.OrgID
			}
			hist = append(hist, []any{ids[i], c.Coverage, oid, c.Instructor, c.At, actor.Username, c.Note})
			if c.At > updated {
				updated = c.At
			}
		}
		var covOrg any
		if u.CoverageOrgID != 0 {
			covOrg = u.CoverageOrgID
		}
		rows[i] = []any{ids[i], u.CreditCode, u.Name, u.Category, u.Confirmed, u.Industry, u.Employees, size, u.RegionCode, org.ProvinceOf(u.RegionCode), u.Address,
			u.LegalRep, u.LegalRepMember, u.FullMembers, u.ProbationaryMembers, u.AffiliationOrgID, u.Coverage, covOrg, u.Instructor, "active", created, updated}
		counts[aggKey{u.AffiliationOrgID, u.Category, size, u.Industry, u.Coverage}]++
	}
	if err := tx.BatchInsert(ctx, "units", bulkUnitCols, rows, bulkPer); err != nil {
		if db.IsUniqueViolation(err) {
			return "", errs.New(errs.Conflict, "导入期间有单位以相同的统一社会信用代码登记，请重新上传", "a unit with one of these credit codes was registered meanwhile: upload again")
		}
		return "", errs.Wrap(err, "insert units")
	}
	if err := tx.BatchInsert(ctx, "unit_coverage_history", bulkHistoryCols, hist, bulkPer); err != nil {
		return "", errs.Wrap(err, "insert history")
	}
	// The aggregates: one row per (ancestor, category, size, coverage),
	// summed over the groups, instead of one upsert per unit and ancestor.
	byOrgPath := map[int64]string{}
	for i := range units {
		byOrgPath[units[i].AffiliationOrgID] = paths[i]
	}
	agg := map[aggKey]int{}
	for k, n := range counts {
		for _, a := range org.PathIDs(byOrgPath[k.org]) {
			agg[aggKey{a, k.category, k.size, k.industry, k.coverage}] += n
		}
	}
	if err := bumpMany(ctx, tx, agg); err != nil {
		return "", err
	}
	return org.CommonPath(paths), nil
}

// checkCoverageOrgs applies the rules of SetCoverage to the organizations
// that units are covered by: active, visible, a joint branch for joint
// coverage, not a joint branch and the organization of no other unit for
// own coverage.
func (s *Service) checkCoverageOrgs(ctx context.Context, tx *db.Tx, actor access.Actor, units []BulkUnit, ids map[int64]bool, fail func(int, error) error) error {
	if len(ids) == 0 {
		return nil
	}
	ownBy := map[int64]string{}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	orgs, err := org.LookupMany(ctx, tx, list)
	if err != nil {
		return errs.Wrap(err, "coverage orgs")
	}
	for start := 0; start < len(list); start += dupChunk {
		part := list[start:min(start+dupChunk, len(list))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		ph := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		rows, err := tx.Query(ctx, "SELECT coverage_org_id, name FROM units WHERE coverage = 'own' AND status = 'active' AND coverage_org_id IN ("+ph+")", args...)
		if err != nil {
			return errs.Wrap(err, "own organizations")
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan own")
			}
			ownBy[id] = name
		}
		rows.Close()
	}
	for i := range units {
		u := &units[i]
		if u.Coverage != Own && u.Coverage != Joint {
			continue
		}
		o, ok := orgs[u.CoverageOrgID]
		if !ok || !actor.Can(access.OrgRead, o.Path) {
			return fail(i, errs.Field("org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", u.CoverageOrgID), fmt.Sprintf("organization %d not found or outside your scope", u.CoverageOrgID)))
		}
		if !o.Active() {
			return fail(i, errs.Field("org_id", "该党组织已撤销", "that organization is dissolved"))
		}
		if u.Coverage == Joint && o.Kind != "joint_branch" {
			return fail(i, errs.Field("org_id", "联合组建须关联一个联合党支部；请先在组织体系中建立联合党支部", "joint coverage needs a joint branch: create one first"))
		}
		if u.Coverage == Own {
			if o.Kind == "joint_branch" {
				return fail(i, errs.Field("org_id", "联合党支部不能作为单独组建的党组织，请选择“联合组建”", "a joint branch is not a unit's own organization: choose joint coverage"))
			}
			if other, taken := ownBy[u.CoverageOrgID]; taken {
				return fail(i, errs.Field("org_id", fmt.Sprintf("该党组织已是“%s”单独组建的党组织", other), fmt.Sprintf("that organization already is the own organization of %q", other)))
			}
			ownBy[u.CoverageOrgID] = u.Name
		}
	}
	return nil
}

// allocateIDs reserves n unit ids (see db.Tx.NextIDs), so that concurrent
// single registrations never collide.
func allocateIDs(ctx context.Context, tx *db.Tx, n int) ([]int64, error) {
	ids, err := tx.NextIDs(ctx, "units", n)
	return ids, errs.Wrap(err, "unit ids")
}

// bumpMany adds each count to coverage_agg, many rows per statement.
func bumpMany(ctx context.Context, tx *db.Tx, agg map[aggKey]int) error {
	keys := make([]aggKey, 0, len(agg))
	for k, n := range agg {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	// A fixed order keeps concurrent writers on PostgreSQL from locking the
	// same rows in opposite orders.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.org != b.org {
			return a.org < b.org
		}
		if a.category != b.category {
			return a.category < b.category
		}
		if a.size != b.size {
			return a.size < b.size
		}
		if a.industry != b.industry {
			return a.industry < b.industry
		}
		return a.coverage < b.coverage
	})
	const per = 200
	for start := 0; start < len(keys); start += per {
		part := keys[start:min(start+per, len(keys))]
		args := make([]any, 0, len(part)*6)
		for _, k := range part {
			args = append(args, k.org, k.category, k.size, k.industry, k.coverage, agg[k])
		}
		q := "INSERT INTO coverage_agg (org_id, category, size_class, industry, coverage, n) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?),", len(part)), ",") +
			" ON CONFLICT (org_id, category, size_class, industry, coverage) DO UPDATE SET n = coverage_agg.n + excluded.n"
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return errs.Wrap(err, "bump coverage")
		}
	}
	return nil
}

// analyze refreshes the planner statistics after a large bulk write.
func (s *Service) analyze(ctx context.Context, n int) {
	if n < 1000 {
		return
	}
	s.db.Analyze(ctx, "units", "unit_coverage_history", "coverage_agg")
}
