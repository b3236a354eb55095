// Package coverage holds the 两新 host units (法人单位) and how Party
// organizations cover them (M1): the unit registry keyed by the unified
// social credit code, coverage statuses with history, the rules that say what
// each uncovered unit needs, coverage rates for any subtree and slice, monthly
// trends and goal sets.
package coverage

import (
	"context"
	"strconv"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// Coverage statuses of a unit.
const (
	Own        = "own"        // 单独组建: its own organization
	Joint      = "joint"      // 联合组建: a joint branch shared with other units
	Instructor = "instructor" // 选派党建指导员: work coverage only
	None       = "none"       // 未覆盖
)

// Statuses lists the coverage statuses with their labels.
var Statuses = []org.Choice{
	{Key: Own, Text: i18n.Text{ZH: "单独组建", EN: "Own organization"}},
	{Key: Joint, Text: i18n.Text{ZH: "联合组建", EN: "Joint branch"}},
	{Key: Instructor, Text: i18n.Text{ZH: "选派党建指导员", EN: "Instructor only"}},
	{Key: None, Text: i18n.Text{ZH: "未覆盖", EN: "Not covered"}},
}

// Categories of host units, derived from the credit code and confirmable.
var Categories = []org.Choice{
	{Key: "private", Text: i18n.Text{ZH: "非公有制企业", EN: "Non-public enterprise"}},
	{Key: "social_group", Text: i18n.Text{ZH: "社会团体", EN: "Social group"}},
	{Key: "civil_nonenterprise", Text: i18n.Text{ZH: "民办非企业单位（社会服务机构）", EN: "Social service institution"}},
	{Key: "foundation", Text: i18n.Text{ZH: "基金会", EN: "Foundation"}},
	{Key: "other", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// SizeClasses of units.
var SizeClasses = []org.Choice{
	{Key: "above", Text: i18n.Text{ZH: "规模以上", EN: "Above designated size"}},
	{Key: "below", Text: i18n.Text{ZH: "规模以下", EN: "Below designated size"}},
}

// Industries are the sections (门类) of GB/T 4754-2017.
var Industries = []org.Choice{
	{Key: "A", Text: i18n.Text{ZH: "农、林、牧、渔业", EN: "Agriculture, forestry, animal husbandry and fishery"}},
	{Key: "B", Text: i18n.Text{ZH: "采矿业", EN: "Mining"}},
	{Key: "C", Text: i18n.Text{ZH: "制造业", EN: "Manufacturing"}},
	{Key: "D", Text: i18n.Text{ZH: "电力、热力、燃气及水生产和供应业", EN: "Electricity, heat, gas and water"}},
	{Key: "E", Text: i18n.Text{ZH: "建筑业", EN: "Construction"}},
	{Key: "F", Text: i18n.Text{ZH: "批发和零售业", EN: "Wholesale and retail"}},
	{Key: "G", Text: i18n.Text{ZH: "交通运输、仓储和邮政业", EN: "Transport, storage and post"}},
	{Key: "H", Text: i18n.Text{ZH: "住宿和餐饮业", EN: "Accommodation and catering"}},
	{Key: "I", Text: i18n.Text{ZH: "信息传输、软件和信息技术服务业", EN: "Information and software services"}},
	{Key: "J", Text: i18n.Text{ZH: "金融业", EN: "Finance"}},
	{Key: "K", Text: i18n.Text{ZH: "房地产业", EN: "Real estate"}},
	{Key: "L", Text: i18n.Text{ZH: "租赁和商务服务业", EN: "Leasing and business services"}},
	{Key: "M", Text: i18n.Text{ZH: "科学研究和技术服务业", EN: "Research and technical services"}},
	{Key: "N", Text: i18n.Text{ZH: "水利、环境和公共设施管理业", EN: "Water, environment and public facilities"}},
	{Key: "O", Text: i18n.Text{ZH: "居民服务、修理和其他服务业", EN: "Residential and repair services"}},
	{Key: "P", Text: i18n.Text{ZH: "教育", EN: "Education"}},
	{Key: "Q", Text: i18n.Text{ZH: "卫生和社会工作", EN: "Health and social work"}},
	{Key: "R", Text: i18n.Text{ZH: "文化、体育和娱乐业", EN: "Culture, sports and entertainment"}},
	{Key: "S", Text: i18n.Text{ZH: "公共管理、社会保障和社会组织", EN: "Public administration and social organizations"}},
	{Key: "T", Text: i18n.Text{ZH: "国际组织", EN: "International organizations"}},
}

// Settings the department may change.
type Settings struct {
	// SizeEmployees is the number of employees from which a unit counts as
	// 规模以上 (default 50).
	SizeEmployees int
	// JointMaxUnits is the number of units above which a joint branch is
	// flagged as too large to work well (default 10).
	JointMaxUnits int
}

// DefaultSettings are used until the department changes them.
var DefaultSettings = Settings{SizeEmployees: 50, JointMaxUnits: 10}

// Service is the coverage store.
type Service struct {
	db      *db.DB
	orgs    *org.Service
	regions *region.Holder
	now     func() time.Time
	venues  VenueSQL // see ProvideVenues
}

// NewService returns the coverage service and registers its aggregate and
// its dissolve check with the organization tree.
func NewService(d *db.DB, orgs *org.Service, regions *region.Holder) *Service {
	s := &Service{db: d, orgs: orgs, regions: regions, now: time.Now}
	orgs.Attach(&org.InclusiveAggregate{Table: "coverage_agg", Keys: []string{"category", "size_class", "industry", "coverage"}}, s.checkDissolve)
	return s
}

// WithClock makes the service read the time from now instead of the system
// clock, so that dates such as a closure's "today" are tested exactly. It
// returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// Now is the current time on the service's clock; demo data is dated by it.
func (s *Service) Now() time.Time { return s.now() }

// checkDissolve refuses to dissolve an organization that units still
// belong to or are covered by.
func (s *Service) checkDissolve(ctx context.Context, tx *db.Tx, o org.Org) error {
	var aff, cov int
	err := tx.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM units WHERE affiliation_org_id = ? AND status = 'active'), (SELECT COUNT(*) FROM units WHERE coverage_org_id = ? AND status = 'active')", o.ID, o.ID).Scan(&aff, &cov)
	if err != nil {
		return errs.Wrap(err, "units of org")
	}
	if aff > 0 {
		return errs.Newf(errs.Conflict, "“%s”还领导着 %d 个两新组织的党建工作，请先调整这些单位的隶属关系", "%q still leads the Party work of %d units: change their affiliation first", o.Label(), aff)
	}
	if cov > 0 {
		return errs.Newf(errs.Conflict, "“%s”是 %d 个单位的党组织，请先调整这些单位的覆盖方式", "%q is the organization of %d units: change their coverage first", o.Label(), cov)
	}
	return nil
}

// ReadSettings returns the current settings to a reader: the thresholds
// behind every coverage figure are shown to whoever may read units somewhere
// (unit.read on any subtree); other roles have no business with them.
func (s *Service) ReadSettings(ctx context.Context, actor access.Actor) (Settings, error) {
	if !actor.CanAnywhere(UnitRead) {
		return Settings{}, errs.New(errs.Forbidden, "您没有查看两新覆盖统计口径的权限", "you may not read the coverage settings")
	}
	return s.Settings(ctx)
}

// Settings returns the current settings for the service's own rules
// (classifying units, flagging joint branches); pages and the API read them
// through ReadSettings, which checks the reader.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	out := DefaultSettings
	rows, err := s.db.Query(ctx, "SELECT key, value FROM settings WHERE key LIKE 'coverage.%'")
	if err != nil {
		return out, errs.Wrap(err, "settings")
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return out, errs.Wrap(err, "scan settings")
		}
		n, _ := strconv.Atoi(v)
		switch k {
		case "coverage.size_employees":
			out.SizeEmployees = n
		case "coverage.joint_max_units":
			out.JointMaxUnits = n
		}
	}
	return out, errs.Wrap(rows.Err(), "settings rows")
}

// sizeClass classifies a unit by its employees.
func sizeClass(employees int, st Settings) string {
	if employees >= st.SizeEmployees {
		return "above"
	}
	return "below"
}

// bump adds delta to the (category, size, industry, coverage) count of the
// organization at path and every one of its ancestors.
func bump(ctx context.Context, tx *db.Tx, path string, u aggUnit, coverage string, delta int) error {
	agg := map[aggKey]int{}
	addAgg(agg, path, u, coverage, delta)
	return bumpMany(ctx, tx, agg)
}

// addAgg adds delta to the counts of the organization at path and its
// ancestors in agg, for bumpMany: a change that takes a unit out of one
// count and into another writes both in one sorted pass, so that two
// writers never lock the same aggregate rows in opposite orders.
func addAgg(agg map[aggKey]int, path string, u aggUnit, coverage string, delta int) {
	for _, id := range org.PathIDs(path) {
		agg[aggKey{id, u.category, u.size, u.industry, coverage}] += delta
	}
}

// unitTx runs a write of units in a transaction that holds the tree lock in
// share mode: units read their organization's path and status and count
// themselves under its ancestors, which a concurrent move or dissolution
// would make stale. Writes of units still run beside each other.
func (s *Service) unitTx(ctx context.Context, fn func(tx *db.Tx) error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		return fn(tx)
	})
}

// aggUnit is what the aggregates know of a unit besides its coverage.
type aggUnit struct{ category, size, industry string }
