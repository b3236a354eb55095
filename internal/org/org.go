// Package org holds the organization tree: kinds and categories, creating,
// renaming, moving and dissolving organizations, subtree queries over the
// materialized path, the per-organization aggregates behind subtree
// statistics, and the territorial skeleton built from the division data.
package org

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/region"
)

// Org is one Party organization.
type Org struct {
	ID            int64  `json:"id"`
	ParentID      *int64 `json:"parent_id"`
	Path          string `json:"-"`
	Depth         int    `json:"depth"`
	Name          string `json:"name"`
	ShortName     string `json:"short_name"`
	Kind          string `json:"kind"`
	KindConfirmed bool   `json:"kind_confirmed"`
	Category      string `json:"category"`
	Level         string `json:"level"`
	RegionCode    string `json:"region_code"`
	Territorial   bool   `json:"territorial"`
	Status        string `json:"status"`
	FoundedOn     string `json:"founded_on"`
	DissolvedOn   string `json:"dissolved_on"`
	Note          string `json:"note"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
	// Version counts the changes of the row; an edit names the version it
	// was made from (see Patch.Version).
	Version int `json:"version"`
	// SubtreeTotal is the number of active organizations in the subtree,
	// itself included; filled by listing functions that show it.
	SubtreeTotal int `json:"subtree_total,omitempty"`
}

// Label returns the short name if there is one, else the name.
func (o Org) Label() string {
	if o.ShortName != "" {
		return o.ShortName
	}
	return o.Name
}

// Active reports whether the organization has not been dissolved.
func (o Org) Active() bool { return o.Status == StatusActive }

// Statuses.
const (
	StatusActive    = "active"
	StatusDissolved = "dissolved"
)

// Choice is an enumerated value with its label.
type Choice struct {
	Key string
	i18n.Text
}

// Kinds of Party organization.
var Kinds = []Choice{
	{"committee", i18n.Text{ZH: "党委", EN: "Party committee"}},
	{"work_committee", i18n.Text{ZH: "党工委", EN: "Party work committee"}},
	{"general_branch", i18n.Text{ZH: "党总支", EN: "General Party branch"}},
	{"branch", i18n.Text{ZH: "党支部", EN: "Party branch"}},
	{"joint_branch", i18n.Text{ZH: "联合党支部", EN: "Joint Party branch"}},
	{"temp_branch", i18n.Text{ZH: "临时党支部", EN: "Temporary Party branch"}},
}

// Categories of the host unit an organization is built in.
var Categories = []Choice{
	{"organ", i18n.Text{ZH: "机关", EN: "Government organ"}},
	{"institution", i18n.Text{ZH: "事业单位", EN: "Public institution"}},
	{"soe", i18n.Text{ZH: "国有企业", EN: "State-owned enterprise"}},
	{"private", i18n.Text{ZH: "非公企业", EN: "Non-public enterprise"}},
	{"social", i18n.Text{ZH: "社会组织", EN: "Social organization"}},
	{"rural", i18n.Text{ZH: "农村", EN: "Village"}},
	{"community", i18n.Text{ZH: "社区", EN: "Urban community"}},
	{"school", i18n.Text{ZH: "学校", EN: "School"}},
	{"other", i18n.Text{ZH: "其他", EN: "Other"}},
}

// Levels of an organization in the territorial hierarchy; "unit" is an
// organization of a workplace or other host unit rather than of a division.
var Levels = []Choice{
	{"national", i18n.Text{ZH: "全国", EN: "National"}},
	{"province", i18n.Text{ZH: "省级", EN: "Province"}},
	{"city", i18n.Text{ZH: "市级", EN: "City"}},
	{"county", i18n.Text{ZH: "县级", EN: "County"}},
	{"township", i18n.Text{ZH: "乡镇（街道）级", EN: "Township"}},
	{"village", i18n.Text{ZH: "村（社区）级", EN: "Village"}},
	{"unit", i18n.Text{ZH: "单位", EN: "Workplace"}},
}

// Statuses with labels.
var Statuses = []Choice{
	{StatusActive, i18n.Text{ZH: "正常", EN: "Active"}},
	{StatusDissolved, i18n.Text{ZH: "已撤销", EN: "Dissolved"}},
}

func lookup(cs []Choice, key string) (Choice, bool) {
	for _, c := range cs {
		if c.Key == key {
			return c, true
		}
	}
	return Choice{}, false
}

// LabelOf returns the label of key among cs in lang, or the key itself.
func LabelOf(cs []Choice, key, lang string) string {
	c, ok := lookup(cs, key)
	if !ok {
		return key
	}
	return c.In(lang)
}

// KeyOf finds the key of a choice given its key or either label, as typed in
// an import file.
func KeyOf(cs []Choice, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range cs {
		if s == c.Key || s == c.ZH || strings.EqualFold(s, c.EN) {
			return c.Key, true
		}
	}
	return "", false
}

// Service is the organization store. Regions loads the division data on
// first use; it is shared with other services.
type Service struct {
	db             *db.DB
	audit          *audit.Service
	regions        *region.Holder
	aggregates     []InclusiveAggregate
	dissolveChecks []DissolveCheck
	leaders        LeaderSource
	cadres         CadreSource
	persons        PersonSource
	memberCounts   MemberCountSQL
	now            func() time.Time
}

// NewService returns the organization service over d.
func NewService(d *db.DB, regions *region.Holder) *Service {
	return &Service{db: d, audit: audit.NewService(d), regions: regions, now: time.Now}
}

// WithClock makes the service read the time from now instead of the system
// clock, so that dates such as today's dissolution are tested exactly. It
// returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// Audit returns the service of the audit log kept in the organization's
// database, through which pages and API handlers that hold the organization
// service read the log.
func (s *Service) Audit() *audit.Service { return s.audit }

const orgCols = `id, parent_id, path, depth, name, short_name, kind, kind_confirmed, category, level,
	COALESCE(region_code, ''), territorial, status, COALESCE(founded_on, ''), COALESCE(dissolved_on, ''), note, created_at, updated_at, version`

func scanOrg(r db.Scanner) (Org, error) {
	var o Org
	var parent sql.NullInt64
	err := r.Scan(&o.ID, &parent, &o.Path, &o.Depth, &o.Name, &o.ShortName, &o.Kind, &o.KindConfirmed, &o.Category, &o.Level,
		&o.RegionCode, &o.Territorial, &o.Status, &o.FoundedOn, &o.DissolvedOn, &o.Note, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	if parent.Valid {
		p := parent.Int64
		o.ParentID = &p
	}
	return o, err
}

// PathIDs returns the ids in a materialized path, root first.
func PathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// parentPath is the path of the parent of the organization at path; a root
// has none ("").
func parentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	if i := strings.LastIndex(trimmed, "/"); i > 0 {
		return trimmed[:i+1]
	}
	return ""
}

func childPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

func notFound(id int64) error {
	return errs.Newf(errs.NotFound, "党组织 %d 不存在或不在您的管理范围内", "organization %d not found or outside your scope", id)
}

// load reads one organization without a permission check.
func (s *Service) load(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, id int64) (Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return Org{}, notFound(id)
	}
	return o, errs.Wrap(err, "load org")
}

// Get returns an organization the actor may read. Outside the actor's scope
// it answers not found, so that ids outside reveal nothing.
func (s *Service) Get(ctx context.Context, actor access.Actor, id int64) (Org, error) {
	o, err := s.load(ctx, s.db, id)
	if err != nil {
		return Org{}, err
	}
	if !actor.Can(access.OrgRead, o.Path) {
		return Org{}, notFound(id)
	}
	return o, nil
}

// Check returns an organization on which the actor may perform action:
// outside its scope the organization does not exist (404), inside it the
// role decides (403). Forms call it before they are shown, and writes before
// they look at their input, so that a refused reader learns nothing from
// the validation of a form it may not submit.
func (s *Service) Check(ctx context.Context, actor access.Actor, id int64, action access.Action) (Org, error) {
	return s.getTx(ctx, s.db, actor, id, action)
}

// getTx loads an organization inside tx and checks action on it.
func (s *Service) getTx(ctx context.Context, tx interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, actor access.Actor, id int64, action access.Action) (Org, error) {
	o, err := s.load(ctx, tx, id)
	if err != nil {
		return Org{}, err
	}
	if !actor.Can(access.OrgRead, o.Path) {
		return Org{}, notFound(id)
	}
	if !actor.Can(action, o.Path) {
		return Org{}, errs.Newf(errs.Forbidden, "您没有对“%s”执行此操作的权限", "you may not do this to %q", o.Label())
	}
	return o, nil
}

// Breadcrumb returns the ancestors of o that the actor may read, root first,
// ending with o itself.
func (s *Service) Breadcrumb(ctx context.Context, actor access.Actor, o Org) ([]Org, error) {
	ids := PathIDs(o.Path)
	if len(ids) == 0 {
		return nil, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE id IN ("+ph+") ORDER BY depth", args...)
	if err != nil {
		return nil, errs.Wrap(err, "breadcrumb")
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		a, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Wrap(err, "breadcrumb scan")
		}
		if actor.Can(access.OrgRead, a.Path) {
			out = append(out, a)
		}
	}
	return out, errs.Wrap(rows.Err(), "breadcrumb rows")
}

// Roots returns the top organizations the actor may read: the roots of its
// scopes (or the roots of the whole tree for the system actor).
func (s *Service) Roots(ctx context.Context, actor access.Actor) ([]Org, error) {
	var rows *sql.Rows
	var err error
	if actor.Unrestricted() {
		rows, err = s.db.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE parent_id IS NULL ORDER BY id")
	} else {
		scopes := actor.Scopes(access.OrgRead)
		if len(scopes) == 0 {
			return nil, nil
		}
		ph := strings.TrimSuffix(strings.Repeat("?,", len(scopes)), ",")
		args := make([]any, len(scopes))
		for i, p := range scopes {
			args[i] = p
		}
		rows, err = s.db.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE path IN ("+ph+") ORDER BY path", args...)
	}
	if err != nil {
		return nil, errs.Wrap(err, "roots")
	}
	return collect(rows)
}

func collect(rows *sql.Rows) ([]Org, error) {
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan org")
		}
		out = append(out, o)
	}
	return out, errs.Wrap(rows.Err(), "org rows")
}
