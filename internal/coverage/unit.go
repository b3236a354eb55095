package coverage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// Unit is a host unit (法人单位) with how it is covered.
type Unit struct {
	ID                  int64  `json:"id"`
	CreditCode          string `json:"credit_code"`
	Name                string `json:"name"`
	Category            string `json:"category"`
	CategoryConfirmed   bool   `json:"category_confirmed"`
	Industry            string `json:"industry"`
	Employees           int    `json:"employees"`
	SizeClass           string `json:"size_class"`
	RegionCode          string `json:"region_code"`
	Address             string `json:"address"`
	LegalRep            string `json:"legal_rep"`
	LegalRepMember      bool   `json:"legal_rep_member"`
	FullMembers         int    `json:"full_members"`
	ProbationaryMembers int    `json:"probationary_members"`
	AffiliationOrgID    int64  `json:"affiliation_org_id"`
	AffiliationName     string `json:"affiliation_name"`
	Coverage            string `json:"coverage"`
	CoverageOrgID       *int64 `json:"coverage_org_id"`
	CoverageOrgName     string `json:"coverage_org_name"`
	Instructor          string `json:"instructor"`
	Status              string `json:"status"`
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
	// RegisteredFull and RegisteredProbationary are the members the member
	// register counts in the unit's own organization (its subtree), for a
	// unit with its own organization; nil otherwise.
	RegisteredFull         *int64 `json:"registered_full_members,omitempty"`
	RegisteredProbationary *int64 `json:"registered_probationary_members,omitempty"`
	// Version counts the changes of the row; an edit names the version it
	// was made from (see Patch.Version).
	Version int `json:"version"`
	// Rule is what the unit needs according to the coverage rules ("" when nothing).
	Rule string `json:"rule"`
	// Advice says what the leading organization should do about Rule, in
	// the language chosen with In (Chinese until then).
	Advice string `json:"advice,omitempty"`
	// Warnings are facts worth a second look that do not block saving, in
	// the language chosen with In (Chinese until then).
	Warnings []string `json:"warnings,omitempty"`
	warnings []i18n.Text
	affPath  string
}

// In returns the unit with its advice and warnings in lang ("en" or
// Chinese), for a page or an API answer in the reader's language.
func (u Unit) In(lang string) Unit {
	u.Advice = AdviceIn(u, lang)
	u.Warnings = nil
	for _, w := range u.warnings {
		u.Warnings = append(u.Warnings, w.In(lang))
	}
	return u
}

var unitCols = `u.id, u.credit_code, u.name, u.category, u.category_confirmed, u.industry, u.employees, u.size_class, u.region_code,
	u.address, u.legal_rep, u.legal_rep_member, u.full_members, u.probationary_members, u.affiliation_org_id,
	` + org.LabelCol("a") + ", " + org.PathCol("a") + ", u.coverage, u.coverage_org_id, COALESCE(" + org.NameCol("c") + `, ''),
	u.instructor, u.status, u.created_at, u.updated_at, u.version`

var unitFrom = " FROM units u" + org.Join("a", "u.affiliation_org_id") + org.LeftJoin("c", "u.coverage_org_id")

func scanUnit(r db.Scanner) (Unit, error) {
	var u Unit
	var cov sql.NullInt64
	err := r.Scan(&u.ID, &u.CreditCode, &u.Name, &u.Category, &u.CategoryConfirmed, &u.Industry, &u.Employees, &u.SizeClass, &u.RegionCode,
		&u.Address, &u.LegalRep, &u.LegalRepMember, &u.FullMembers, &u.ProbationaryMembers, &u.AffiliationOrgID,
		&u.AffiliationName, &u.affPath, &u.Coverage, &cov, &u.CoverageOrgName, &u.Instructor, &u.Status, &u.CreatedAt, &u.UpdatedAt, &u.Version)
	if cov.Valid {
		v := cov.Int64
		u.CoverageOrgID = &v
	}
	if u.Status == "active" {
		// A closed unit needs nothing: it is out of the rates and the work orders.
		u.Rule = RuleOf(u.FullMembers, u.Coverage)
	}
	if c, err := ids.ParseCreditCode(u.CreditCode); err == nil && !strings.HasPrefix(u.RegionCode, registrarPrefix(c.RegionCode)) {
		u.warnings = append(u.warnings, i18n.Textf("统一社会信用代码中的登记机关区划 %s 与单位所在区划 %s 不一致，请核对",
			"the registrar's division %s in the credit code does not match the unit's division %s: check them", c.RegionCode, u.RegionCode))
	}
	return u.In("zh-CN"), err
}

// registrarPrefix trims the trailing "00" pairs of the registering
// authority's division: a city-level authority (450100) registers units in
// all of its districts, a county-level one (450102) only in its own.
func registrarPrefix(code string) string {
	for len(code) > 2 && strings.HasSuffix(code, "00") {
		code = code[:len(code)-2]
	}
	return code
}

// Input holds the editable fields of a unit, as typed.
type Input struct {
	CreditCode          string `json:"credit_code"`
	Name                string `json:"name"`
	Category            string `json:"category"`
	Industry            string `json:"industry"`
	Employees           int    `json:"employees"`
	RegionCode          string `json:"region_code"`
	Address             string `json:"address"`
	LegalRep            string `json:"legal_rep"`
	LegalRepMember      bool   `json:"legal_rep_member"`
	FullMembers         int    `json:"full_members"`
	ProbationaryMembers int    `json:"probationary_members"`
	AffiliationOrgID    int64  `json:"affiliation_org_id"`
}

// validate normalises in and reports every problem at once.
func (s *Service) validate(in *Input) error {
	var f errs.Fields
	in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
	in.Name = strings.TrimSpace(in.Name)
	in.RegionCode = strings.TrimSpace(in.RegionCode)
	in.Address = strings.TrimSpace(in.Address)
	in.LegalRep = strings.TrimSpace(in.LegalRep)
	code, err := ids.ParseCreditCode(in.CreditCode)
	if err != nil {
		e := errs.As(err)
		f.Add("credit_code", e.ZH, e.EN)
	}
	if in.Name == "" {
		f.Add("name", "请填写单位名称", "enter the unit's name")
	} else if n := len([]rune(in.Name)); n > 200 {
		f.Add("name", fmt.Sprintf("单位名称最多 200 个字，现有 %d 个", n), fmt.Sprintf("the name may have at most 200 characters, it has %d", n))
	}
	switch {
	case in.Category == "" && err == nil:
		in.Category, _ = ids.CategoryOf(code)
	case in.Category != "":
		if k, ok := org.KeyOf(Categories, in.Category); ok {
			in.Category = k
		} else {
			f.Add("category", "单位类别不正确：可选 非公有制企业、社会团体、民办非企业单位（社会服务机构）、基金会、其他", "unknown category")
		}
	}
	if in.Industry != "" {
		if k, ok := industryKey(in.Industry); ok {
			in.Industry = k
		} else {
			f.Add("industry", "行业应为国民经济行业分类门类（A–T）或其名称，如“C”或“制造业”", "the industry must be a GB/T 4754 section (A–T) or its name")
		}
	}
	if in.Employees < 0 {
		f.Add("employees", "从业人数不能为负数", "employees cannot be negative")
	}
	if in.FullMembers < 0 {
		f.Add("full_members", "正式党员人数不能为负数", "full members cannot be negative")
	}
	if in.ProbationaryMembers < 0 {
		f.Add("probationary_members", "预备党员人数不能为负数", "probationary members cannot be negative")
	}
	if in.FullMembers >= 0 && in.ProbationaryMembers >= 0 && in.Employees >= 0 && in.FullMembers+in.ProbationaryMembers > in.Employees {
		f.Add("full_members", fmt.Sprintf("党员人数（正式 %d + 预备 %d）不能多于从业人数 %d", in.FullMembers, in.ProbationaryMembers, in.Employees),
			fmt.Sprintf("Party members (%d full + %d probationary) cannot exceed the %d employees", in.FullMembers, in.ProbationaryMembers, in.Employees))
	}
	if in.RegionCode == "" {
		f.Add("region_code", "请填写单位所在的村（社区）级区划代码（12 位）", "enter the unit's village-level division code (12 digits)")
	} else if err := s.checkRegion(in.RegionCode); err != nil {
		e := errs.As(err)
		f.Add("region_code", e.ZH, e.EN)
	}
	if in.AffiliationOrgID == 0 {
		f.Add("affiliation_org_id", "请选择隶属的党组织（领导该单位党建工作的党组织）", "choose the organization that leads the unit's Party work")
	}
	return f.Err()
}

func (s *Service) checkRegion(code string) error {
	if err := ids.CheckRegionCode(code); err != nil {
		return err
	}
	if len(code) != 12 {
		return errs.Newf(errs.Invalid, "单位所在区划应为村（社区）级 12 位代码，%s 只有 %d 位", "the unit's division must be a 12-digit village-level code, %s has %d digits", code, len(code))
	}
	set, err := s.regions.Get()
	if err != nil {
		return errs.Wrap(err, "regions")
	}
	if _, ok := set.Lookup(code); !ok {
		return errs.Newf(errs.Invalid, "区划代码 %s 不存在（2023 年统计用区划代码）", "division code %s does not exist (2023 statistical codes)", code)
	}
	return nil
}

func industryKey(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 1 {
		s = strings.ToUpper(s)
	}
	return org.KeyOf(Industries, s)
}

// loadUnit reads a unit without a permission check.
func loadUnit(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, id int64) (Unit, error) {
	u, err := scanUnit(q.QueryRow(ctx, "SELECT "+unitCols+unitFrom+" WHERE u.id = ?", id))
	if err == sql.ErrNoRows {
		return Unit{}, unitNotFound(id)
	}
	return u, errs.Wrap(err, "load unit")
}

// lockUnit reads a unit for a change inside tx. On PostgreSQL the row is
// locked first, so that two writers of the same unit take turns and the
// second moves the unit's counts from where the first left them, not from
// where both found them. (The lock is taken on the row alone: a join locked
// FOR UPDATE would be rechecked against the organization row it first
// read, and lose a unit whose organization the other writer changed.)
func lockUnit(ctx context.Context, tx *db.Tx, id int64) (Unit, error) {
	err := tx.LockRow(ctx, "units", id, db.ForUpdate)
	if err == sql.ErrNoRows {
		return Unit{}, unitNotFound(id)
	}
	if err != nil {
		return Unit{}, errs.Wrap(err, "lock unit")
	}
	return loadUnit(ctx, tx, id)
}

func unitNotFound(id int64) error {
	return errs.Newf(errs.NotFound, "单位 %d 不存在或不在您的管理范围内", "unit %d not found or outside your scope", id)
}

// Get returns a unit whose affiliation lies in the actor's scope.
func (s *Service) Get(ctx context.Context, actor access.Actor, id int64) (Unit, error) {
	u, err := loadUnit(ctx, s.db, id)
	if err != nil {
		return Unit{}, err
	}
	if !actor.Can(UnitRead, u.affPath) {
		return Unit{}, unitNotFound(id)
	}
	return s.registered(ctx, u)
}

// registered adds to a unit with its own organization the members the
// register counts there, and a warning when they differ from those declared.
func (s *Service) registered(ctx context.Context, u Unit) (Unit, error) {
	full, ok := s.orgs.MemberCountSQL("?", "full")
	if !ok || u.Coverage != Own || u.CoverageOrgID == nil {
		return u, nil
	}
	prob, _ := s.orgs.MemberCountSQL("?", "probationary")
	var f, p int64
	if err := s.db.QueryRow(ctx, "SELECT "+full+", "+prob, *u.CoverageOrgID, *u.CoverageOrgID).Scan(&f, &p); err != nil {
		return u, errs.Wrap(err, "registered members")
	}
	u.RegisteredFull, u.RegisteredProbationary = &f, &p
	if f+p > 0 && (f != int64(u.FullMembers) || p != int64(u.ProbationaryMembers)) {
		u.warnings = append(u.warnings, i18n.Textf("党员名册中本单位党组织登记正式党员 %d 名、预备党员 %d 名，与填报的正式 %d 名、预备 %d 名不一致，请核对后更新",
			"the member register counts %d full and %d probationary members in the unit's organization, not the %d and %d declared: check and update them", f, p, u.FullMembers, u.ProbationaryMembers))
		u = u.In("zh-CN")
	}
	return u, nil
}

// errNoRead refuses a reader who may read units nowhere: it gets a refusal,
// not an empty list that looks like a county without units.
var errNoRead = errs.New(errs.Forbidden, "您没有查看两新组织的权限", "you may not read units")

// errNoManage refuses a reader who may manage units nowhere.
var errNoManage = errs.New(errs.Forbidden, "您没有管理两新组织的权限", "you may not manage units")

// CheckManage refuses, before a form is shown, an actor who may manage units
// nowhere.
func CheckManage(actor access.Actor) error {
	if !actor.CanAnywhere(UnitManage) {
		return errNoManage
	}
	return nil
}

// affiliation checks that the actor manages units under the organization.
func (s *Service) affiliation(ctx context.Context, tx db.Querier, actor access.Actor, id int64) (string, error) {
	o, err := org.Lookup(ctx, tx, id)
	path := o.Path
	if err == sql.ErrNoRows || (err == nil && !actor.Can(access.OrgRead, path)) {
		return "", errs.Field("affiliation_org_id", fmt.Sprintf("隶属党组织 %d 不存在或不在您的管理范围内", id), fmt.Sprintf("organization %d not found or outside your scope", id))
	}
	if err != nil {
		return "", errs.Wrap(err, "affiliation")
	}
	if !actor.Can(UnitManage, path) {
		return "", errs.New(errs.Forbidden, "您没有管理该党组织下两新组织的权限", "you may not manage units under this organization")
	}
	if !o.Active() {
		return "", errs.Field("affiliation_org_id", "隶属党组织已撤销，请选择其他党组织", "the organization is dissolved: choose another")
	}
	return path, nil
}
