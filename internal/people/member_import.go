package people

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// The member import takes the basic items of the national member
// information collection (党员信息采集): who the person is, where their
// organization relation is, when they joined. Every row is checked by the
// rules of the form; a file with any bad row registers nobody.
var (
	MemberImportRequired = []string{"姓名", "公民身份号码", "民族", "学历", "人员类别", "入党日期"}
	MemberImportOrg      = []string{"所在党组织编号", "所在党组织名称"}
	MemberImportOptional = []string{"性别", "出生日期", "转为正式党员日期", "联系电话"}
)

// MemberImportNotes explain each column, for the template's notes sheet.
var MemberImportNotes = [][2]string{
	{"姓名", "与身份证一致，最多 30 字；少数民族姓名中的间隔号写作 ·"},
	{"公民身份号码", "18 位，末位可为 X；系统校验第 18 位校验码、出生日期和发证地区划代码"},
	{"民族", "GB 3304 民族名称或两位代码，如 汉族、壮族 或 08"},
	{"学历", "GB/T 4658 学历名称或代码，如 大学本科 或 21"},
	{"人员类别", "正式党员 或 预备党员"},
	{"入党日期", "YYYY-MM-DD，如 2010-07-01；预备党员为接收为预备党员的日期"},
	{"所在党组织编号", "党员组织关系所在党组织在本系统中的编号；与“所在党组织名称”二选一"},
	{"所在党组织名称", "党组织全称或简称，须在您的管理范围内且唯一；与“所在党组织编号”二选一"},
	{"性别", "选填：男 或 女；由身份证号得出，填写时须一致"},
	{"出生日期", "选填：YYYY-MM-DD；由身份证号得出，填写时须一致"},
	{"转为正式党员日期", "选填：正式党员的转正日期，须在入党满一年之后"},
	{"联系电话", "选填：手机号或带区号的座机，如 0771-1234567"},
}

// MemberImportExample is the template's example row, in the order of
// MemberImportHeader. Its ID number is left empty, so that a template
// uploaded as downloaded registers nobody: the notes give the format.
var MemberImportExample = []string{"张伟", "", "汉族", "大学本科", "正式党员", "2010-07-01", "", "兴宁社区党支部", "男", "", "2011-07-01", "13812345678"}

// MemberImportHeader is the header row of the template.
func MemberImportHeader() []string {
	return slices.Concat(MemberImportRequired, MemberImportOrg, MemberImportOptional)
}

// memberImportKind is the kind of the member import sessions.
const memberImportKind = "member"

// MemberImport is a validated upload of members waiting to be applied.
type MemberImport struct {
	imports.Session
	Orgs int // the organizations the rows go to
}

// importRow is one checked row as a session stores it. The whole list is
// sealed before it is stored: it holds ID numbers and phones in clear.
type importRow struct {
	Line  int    `json:"l"`
	Name  string `json:"n"`
	ID    string `json:"i"`
	Sex   string `json:"g"`
	Birth string `json:"b"`
	Eth   string `json:"e"`
	Edu   string `json:"d"`
	Phone string `json:"p,omitempty"`
	Org   int64  `json:"o"`
	Kind  string `json:"k"`
	Join  string `json:"j"`
	Full  string `json:"f,omitempty"`
}

// sealedRows is the payload of a member import session.
type sealedRows struct {
	Rows []byte `json:"sealed"`
}

// CanImportMembers reports whether the actor may import members at all.
func (s *Service) CanImportMembers(actor access.Actor) error {
	if !actor.CanAnywhere(PeopleManage) {
		return errs.New(errs.Forbidden, "您没有导入党员的权限（需要 people.manage 权限）", "you may not import members (the people.manage permission is needed)")
	}
	return nil
}

// orgCache resolves the organizations rows name, once each.
type orgCache struct {
	s      *Service
	actor  access.Actor
	byID   map[int64]orgHit
	byName map[string]orgHit
}

type orgHit struct {
	ref org.Ref
	err error
}

// usable checks that the actor may register members in o.
func (c *orgCache) usable(r org.Ref, what string) error {
	if !c.actor.Can(PeopleManage, r.Path) {
		return errs.New(errs.Invalid, fmt.Sprintf("党组织%s不存在或不在您的管理范围内", what), fmt.Sprintf("organization %s not found or outside your scope", what))
	}
	if !r.Active() {
		return errs.New(errs.Invalid, fmt.Sprintf("“%s”已撤销，不能接收党员", r.Label()), fmt.Sprintf("%s has been dissolved and cannot take members", r.Label()))
	}
	return nil
}

func (c *orgCache) id(ctx context.Context, id int64) (org.Ref, error) {
	if h, ok := c.byID[id]; ok {
		return h.ref, h.err
	}
	r, err := org.Lookup(ctx, c.s.db, id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = errs.New(errs.Invalid, fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", id), fmt.Sprintf("organization %d not found or outside your scope", id))
	case err != nil:
		err = errs.Wrap(err, "organization")
	default:
		err = c.usable(r, " "+strconv.FormatInt(id, 10)+" ")
	}
	c.byID[id] = orgHit{r, err}
	return r, err
}

func (c *orgCache) name(ctx context.Context, name string) (org.Ref, error) {
	if h, ok := c.byName[name]; ok {
		return h.ref, h.err
	}
	rows, err := c.s.db.Query(ctx, "SELECT id, path, name, short_name, kind, status FROM orgs WHERE name = ? OR short_name = ?", name, name)
	if err != nil {
		return org.Ref{}, errs.Wrap(err, "organization by name")
	}
	var active, dissolved []org.Ref
	for rows.Next() {
		var r org.Ref
		if err := rows.Scan(&r.ID, &r.Path, &r.Name, &r.ShortName, &r.Kind, &r.Status); err != nil {
			rows.Close()
			return org.Ref{}, errs.Wrap(err, "scan organization")
		}
		switch {
		case !c.actor.Can(PeopleManage, r.Path):
		case r.Active():
			active = append(active, r)
		default:
			dissolved = append(dissolved, r)
		}
	}
	rows.Close()
	var hit orgHit
	switch {
	case len(active) == 1:
		hit.ref = active[0]
	case len(active) > 1:
		hit.err = errs.New(errs.Invalid, fmt.Sprintf("有 %d 个党组织名为“%s”，请改填所在党组织编号", len(active), name), fmt.Sprintf("%d organizations are called %q: give the organization's number instead", len(active), name))
	case len(dissolved) > 0:
		hit.err = c.usable(dissolved[0], "")
	default:
		hit.err = errs.New(errs.Invalid, fmt.Sprintf("在您的管理范围内没有名为“%s”的党组织", name), fmt.Sprintf("no organization in your scope is called %q", name))
	}
	c.byName[name] = hit
	return hit.ref, hit.err
}

// PrepareMemberImport checks every row of an uploaded file of members and
// stores the result as an import session; nobody is registered until
// ApplyMemberImport. A number registered already is named with the person
// and their organization when the actor may read them; one registered
// outside its scope is only said to be, written to the audit log and
// counted against the account's allowance of duplicates, as on the form.
func (s *Service) PrepareMemberImport(ctx context.Context, actor access.Actor, userID int64, fileName string, header []string, rows [][]string) (MemberImport, error) {
	if err := s.CanImportMembers(actor); err != nil {
		return MemberImport{}, err
	}
	key := dupKey(actor)
	if wait := s.dupBlocked(key); wait > 0 {
		return MemberImport{}, tooManyDuplicates(wait)
	}
	cols, err := xlsx.Columns(header, MemberImportRequired, slices.Concat(MemberImportOrg, MemberImportOptional))
	if err != nil {
		return MemberImport{}, err
	}
	if _, ok := cols[MemberImportOrg[0]]; !ok {
		if _, ok := cols[MemberImportOrg[1]]; !ok {
			return MemberImport{}, errs.New(errs.Invalid, "缺少必填列：所在党组织编号 或 所在党组织名称", "missing required column: 所在党组织编号 or 所在党组织名称")
		}
	}
	today := s.today()
	out := MemberImport{Session: imports.Session{FileName: fileName}}
	type parsed struct {
		line  int
		row   importRow
		index string
		msgs  rowMessages
	}
	var all []*parsed
	cache := &orgCache{s: s, actor: actor, byID: map[int64]orgHit{}, byName: map[string]orgHit{}}
	firstLine := map[string]int{}
	for r := range imports.Rows(cols, rows) {
		out.Total++
		p := &parsed{line: r.Line}
		all = append(all, p)
		in := MemberInput{PersonInput: PersonInput{Name: r.Cell("姓名"), IDNumber: r.Cell("公民身份号码"), Gender: r.Cell("性别"), BirthDate: r.Cell("出生日期"),
			Ethnicity: r.Cell("民族"), Education: r.Cell("学历"), Phone: r.Cell("联系电话")}, Kind: r.Cell("人员类别"), JoinedOn: r.Cell("入党日期"), FullOn: r.Cell("转为正式党员日期")}
		var f errs.Fields
		ps := s.checkPerson(in.PersonInput, today, &f)
		j := s.checkJoin(in, ps, today, &f)
		if err := f.Err(); err != nil {
			p.msgs.add(err)
		}
		var ref org.Ref
		var orgErr error
		idCell, nameCell := r.Cell("所在党组织编号"), r.Cell("所在党组织名称")
		switch {
		case idCell != "":
			id, perr := strconv.ParseInt(idCell, 10, 64)
			if perr != nil || id <= 0 {
				orgErr = errs.New(errs.Invalid, fmt.Sprintf("所在党组织编号“%s”应为数字", idCell), fmt.Sprintf("the organization number %q must be a number", idCell))
				break
			}
			ref, orgErr = cache.id(ctx, id)
			if orgErr == nil && nameCell != "" && nameCell != ref.Name && nameCell != ref.ShortName {
				orgErr = errs.New(errs.Invalid, fmt.Sprintf("所在党组织编号 %d 是“%s”，与所在党组织名称“%s”不符，请只填一项", id, ref.Label(), nameCell),
					fmt.Sprintf("organization %d is %s, not %s: give one of the two", id, ref.Label(), nameCell))
			}
		case nameCell != "":
			ref, orgErr = cache.name(ctx, nameCell)
		default:
			orgErr = errs.New(errs.Invalid, "请填写所在党组织编号或所在党组织名称", "give the organization's number or name")
		}
		if orgErr != nil {
			if errs.KindOf(orgErr) == errs.Internal {
				return MemberImport{}, orgErr
			}
			p.msgs.add(orgErr)
		}
		if ps.id != "" {
			p.index = s.seal.lookup(ps.id)
			if first, dup := firstLine[p.index]; dup {
				p.msgs.zh = append(p.msgs.zh, fmt.Sprintf("公民身份号码与第%d行重复", first))
				p.msgs.en = append(p.msgs.en, fmt.Sprintf("the ID number repeats row %d", first))
			} else {
				firstLine[p.index] = p.line
			}
		}
		p.row = importRow{Line: p.line, Name: ps.name, ID: ps.id, Sex: ps.gender, Birth: ps.birth, Eth: ps.ethnicity, Edu: ps.education, Phone: ps.phone,
			Org: ref.ID, Kind: j.kind, Join: j.joined, Full: j.full}
	}
	// The numbers registered already, 500 to a query.
	indexes := make([]string, 0, len(firstLine))
	for ix := range firstLine {
		indexes = append(indexes, ix)
	}
	slices.Sort(indexes)
	known, err := registered(ctx, s.db, indexes)
	if err != nil {
		return out, err
	}
	// For an importer who may not reveal numbers, a file must not confirm
	// numbers faster than the search does: every registered number it holds
	// is audited and spends the allowance, as a refused registration does,
	// and so does every number not registered that shares its region and
	// last four characters with a person whose masked number the importer
	// sees (a member, past or present, a transfer, a post …) — it is one of
	// the few dozen candidates for that person's number the mask and the
	// age leave. A new member shares them with one of a branch's by chance
	// about once in ten thousand rows.
	probes := !actor.CanAnywhere(PeopleReveal)
	var near map[string]bool
	if probes {
		if near, err = s.readableMasks(ctx, actor); err != nil {
			return out, err
		}
	}
	spend := func() error {
		if ok, wait := s.dupLimit.Allow(key); !ok {
			s.dupBlock(key, wait)
			return tooManyDuplicates(wait)
		}
		return nil
	}
	for _, p := range all {
		if p.index == "" || firstLine[p.index] != p.line {
			continue
		}
		k, ok := known[p.index]
		if !ok {
			if probes && near[ids.MaskIDCard(p.row.ID)] {
				if err := spend(); err != nil {
					return MemberImport{}, err
				}
			}
			continue
		}
		m, err := s.membership(ctx, s.db, k.id)
		if err != nil {
			return out, err
		}
		inScope := m != nil && actor.Can(PeopleRead, m.path)
		if probes || !inScope {
			path := ""
			if m != nil {
				path = m.path
			}
			err = s.db.InTx(ctx, func(tx *db.Tx) error {
				return audit.Write(ctx, tx, actor, audit.Entry{Action: "person.duplicate", TargetType: "person", TargetID: strconv.FormatInt(k.id, 10), OrgPath: path,
					Summary: i18n.Text{ZH: "导入已登记的身份证号（" + k.name + "），被拒绝", EN: "imported an ID number already registered (" + k.name + "): refused"}})
			})
			if err != nil {
				return out, err
			}
			if err := spend(); err != nil {
				return MemberImport{}, err
			}
		}
		if inScope {
			where, _ := s.placeOf(ctx, actor, k.id)
			p.msgs.zh = append(p.msgs.zh, fmt.Sprintf("该公民身份号码已登记：%s，%s", k.name, where.ZH))
			p.msgs.en = append(p.msgs.en, fmt.Sprintf("this ID number is registered already: %s, %s", k.name, where.EN))
			continue
		}
		p.msgs.zh = append(p.msgs.zh, "该公民身份号码已登记在您管理范围以外的党组织，请联系上级组织部门")
		p.msgs.en = append(p.msgs.en, "this ID number is registered in an organization outside your scope: ask the department above you")
	}
	var good []importRow
	orgs := map[int64]bool{}
	for _, p := range all {
		if len(p.msgs.zh) > 0 {
			out.Problems = append(out.Problems, p.msgs.problem(p.line))
			continue
		}
		good = append(good, p.row)
		orgs[p.row.Org] = true
	}
	out.Orgs = len(orgs)
	var payload sealedRows
	if len(out.Problems) == 0 {
		b, err := json.Marshal(good)
		if err != nil {
			return out, errs.Wrap(err, "encode import")
		}
		payload.Rows = s.seal.seal("import", string(b))
	}
	out.Session, err = imports.Save(ctx, s.db, s.now(), userID, memberImportKind, fileName, out.Total, payload, out.Problems)
	return out, err
}

// readableMasks are the masked numbers the actor may see: of every person
// with a membership (current or ended), a transfer, a post, a pay, a
// placement or a care case at an organization it reads. Each is one the
// actor could try candidates for.
func (s *Service) readableMasks(ctx context.Context, actor access.Actor) (map[string]bool, error) {
	scope, scopeArgs := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	join := s.listJoin()
	var parts []string
	var args []any
	for _, src := range [][2]string{{"memberships", "org_id"}, {"transfers", "from_org_id"}, {"transfers", "to_org_id"}, {"posts", "org_id"},
		{"cadre_pay", "org_id"}, {"organizers", "placed_org_id"}, {"care_cases", "org_id"}} {
		parts = append(parts, "SELECT p.id_mask FROM orgs o"+join+src[0]+" x ON x."+src[1]+" = o.id"+join+"persons p ON p.id = x.person_id WHERE "+scope)
		args = append(args, scopeArgs...)
	}
	rows, err := s.db.Query(ctx, strings.Join(parts, " UNION "), args...)
	if err != nil {
		return nil, errs.Wrap(err, "masked numbers")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var mask string
		if err := rows.Scan(&mask); err != nil {
			return nil, errs.Wrap(err, "masked numbers")
		}
		out[mask] = true
	}
	return out, errs.Wrap(rows.Err(), "masked numbers")
}

// dupKey is the key of an account in the allowance of duplicates.
func dupKey(actor access.Actor) string {
	return "user:" + strconv.FormatInt(actor.UserID, 10) + ":" + actor.Username
}

// knownPerson is a person found by the keyed index of their number.
type knownPerson struct {
	id   int64
	name string
}

// registered finds, through q, which of the keyed indexes are registered
// and whose they are, 500 to a query.
func registered(ctx context.Context, q db.Querier, indexes []string) (map[string]knownPerson, error) {
	out := map[string]knownPerson{}
	for start := 0; start < len(indexes); start += 500 {
		part := indexes[start:min(start+500, len(indexes))]
		args := make([]any, len(part))
		for i, ix := range part {
			args[i] = ix
		}
		rows, err := q.Query(ctx, "SELECT id, name, id_index FROM persons WHERE id_index IN ("+db.Marks(len(part))+")", args...)
		if err != nil {
			return nil, errs.Wrap(err, "registered numbers")
		}
		for rows.Next() {
			var k knownPerson
			var ix string
			if err := rows.Scan(&k.id, &k.name, &ix); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "scan registered number")
			}
			out[ix] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "registered numbers")
		}
	}
	return out, nil
}

// LoadMemberImport returns a stored member import session of the user,
// without its rows.
func (s *Service) LoadMemberImport(ctx context.Context, userID int64, id string) (MemberImport, error) {
	var p sealedRows
	sess, err := imports.Load(ctx, s.db, s.now(), userID, memberImportKind, id, &p)
	return MemberImport{Session: sess}, err
}

// ApplyMemberImport registers every member of a valid session in one
// transaction, checking each row again against the register and the tree
// as they are now: if any row fails, nobody is registered.
func (s *Service) ApplyMemberImport(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
	_, _, n, err := imports.Apply(ctx, s.db, s.memberImportKind(), actor, userID, id)
	return n, err
}

// MemberImportApplier is the member import as the API's apply endpoint
// finds it.
func (s *Service) MemberImportApplier() imports.Applier {
	return imports.NewApplier(s.db, s.memberImportKind())
}

// memberImportKind is what the import flow needs of members.
func (s *Service) memberImportKind() imports.Kind[sealedRows] {
	return imports.Kind[sealedRows]{
		Name:    memberImportKind,
		Now:     s.now,
		Allowed: func(_ context.Context, actor access.Actor) error { return s.CanImportMembers(actor) },
		InTx: func(ctx context.Context, fn func(tx *db.Tx) error) error {
			return s.db.InTx(ctx, func(tx *db.Tx) error {
				if err := tx.LockTreeShared(ctx); err != nil {
					return errs.Wrap(err, "lock tree")
				}
				return fn(tx)
			})
		},
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, p sealedRows) (int, audit.Entry, error) {
			plain, err := s.seal.open("import", p.Rows)
			if err != nil {
				return 0, audit.Entry{}, errs.Wrap(err, "open import")
			}
			var rows []importRow
			if err := json.Unmarshal([]byte(plain), &rows); err != nil {
				return 0, audit.Entry{}, errs.Wrap(err, "decode import")
			}
			n, path, err := s.writeImport(ctx, tx, actor, rows)
			if err != nil {
				return 0, audit.Entry{}, imports.NothingImported(err)
			}
			return n, audit.Entry{Action: "member.import", TargetType: "import", TargetID: sess.ID, OrgPath: path,
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入党员 %d 名", sess.FileName, n), EN: "imported " + i18n.Count(n, "member", "members") + " from " + sess.FileName},
				After:   map[string]any{"rows": n, "file": sess.FileName}}, nil
		},
	}
}

// writeImport registers the rows of a session inside tx, checking again
// that each organization may take members from the actor and that no
// number was registered since the file was checked. It returns how many
// it registered and the path all of them lie under.
func (s *Service) writeImport(ctx context.Context, tx *db.Tx, actor access.Actor, rows []importRow) (int, string, error) {
	var orgIDs []int64
	seen := map[int64]bool{}
	for _, r := range rows {
		if !seen[r.Org] {
			seen[r.Org] = true
			orgIDs = append(orgIDs, r.Org)
		}
	}
	refs, err := org.LookupMany(ctx, tx, orgIDs)
	if err != nil {
		return 0, "", errs.Wrap(err, "organizations")
	}
	ms := make([]newMember, len(rows))
	indexes := make([]string, len(rows))
	line := map[string]int{}
	for i, r := range rows {
		ref, ok := refs[r.Org]
		if !ok || !ref.Active() || !actor.Can(PeopleManage, ref.Path) {
			return 0, "", errs.New(errs.Conflict, fmt.Sprintf("第%d行：所在党组织已撤销、移出您的管理范围或不存在，请重新上传", r.Line),
				fmt.Sprintf("row %d: the organization has been dissolved, moved out of your scope or removed: upload again", r.Line))
		}
		ms[i] = newMember{p: person{name: r.Name, gender: r.Sex, birth: r.Birth, ethnicity: r.Eth, education: r.Edu, id: r.ID, phone: r.Phone},
			orgID: ref.ID, orgPath: ref.Path, orgName: ref.Label(), j: join{kind: r.Kind, joined: r.Join, full: r.Full}, status: "normal"}
		indexes[i] = s.seal.lookup(r.ID)
		line[indexes[i]] = r.Line
	}
	known, err := registered(ctx, tx, indexes)
	if err != nil {
		return 0, "", err
	}
	if len(known) > 0 {
		first := 0
		for ix := range known {
			if first == 0 || line[ix] < first {
				first = line[ix]
			}
		}
		return 0, "", errs.New(errs.Conflict, fmt.Sprintf("第%d行：该公民身份号码在检查文件后已被登记，请重新上传", first),
			fmt.Sprintf("row %d: the ID number was registered after the file was checked: upload again", first))
	}
	pids, _, err := s.insertMembers(ctx, tx, ms, actor.Username)
	if err != nil {
		return 0, "", err
	}
	// An import that grows the register by a tenth or more refreshes the
	// planner's statistics, as autovacuum would (it may be off or behind):
	// a plan made for the register before it would read the persons in
	// full for every lookup (measured: 2.5 s instead of 5 ms). A smaller one
	// leaves them alone, since ANALYZE of millions of rows takes seconds.
	if len(ms) > 0 && int64(len(ms))*10 >= pids[0]-1 {
		tx.Analyze(ctx, "persons", "memberships", "membership_events", "people_agg")
	}
	var paths []string
	for _, r := range refs {
		paths = append(paths, r.Path)
	}
	return len(ms), org.CommonPath(paths), nil
}
