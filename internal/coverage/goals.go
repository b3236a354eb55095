package coverage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Indicators is the menu goal sets are composed from; every value is a
// percentage computed from the registry, never typed in.
var Indicators = []org.Choice{
	{Key: "org_coverage", Text: i18n.Text{ZH: "组织覆盖率", EN: "Organizational coverage"}},
	{Key: "work_coverage", Text: i18n.Text{ZH: "工作覆盖率", EN: "Work coverage"}},
	{Key: "above_size_org_coverage", Text: i18n.Text{ZH: "规模以上单位组织覆盖率", EN: "Organizational coverage of units above size"}},
	{Key: "own_when_eligible", Text: i18n.Text{ZH: "有 3 名以上正式党员的单位单独组建率", EN: "Own organizations where 3+ full members"}},
	{Key: "instructor_share", Text: i18n.Text{ZH: "未建组织单位选派党建指导员比例", EN: "Instructors for units without an organization"}},
	// The share of the units with an organization whose organization has
	// a venue (阵地) recorded in the programmes' register.
	{Key: "venue_share", Text: i18n.Text{ZH: "已建组织单位有活动场所比例", EN: "Units with an organization that have a venue"}},
}

// GoalSet is a named set of indicators with yearly targets per scope.
type GoalSet struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Year       int    `json:"year"`
	OwnerOrgID int64  `json:"owner_org_id"`
	// OwnerName is the name of the organization that set the goals (制定单位),
	// shown even to readers below it, whose scope does not reach it.
	OwnerName  string   `json:"owner_name"`
	Indicators []string `json:"indicators"`
	// Targets holds only the scopes inside the reader's scope: a county sees
	// the city's goals for itself, never its sibling counties' targets.
	Targets   map[int64]map[string]float64 `json:"targets"` // org id → indicator → target %
	ownerPath string
	head      int64
	headPath  string
	// all holds every target of the set, those outside the reader's scope
	// too: a township below a county inherits the county's target.
	all map[int64]map[string]float64
}

// Head returns the topmost scope of the goal set the reader may see: the
// owner when it is inside the reader's scope, else the reader's own highest
// scope with targets. Lists show its targets as the set's summary.
func (g GoalSet) Head() int64 { return g.head }

// HeadTarget is the target of indicator k at the head: its own in the set,
// or the one that cascades down to it from the nearest organization above.
func (g GoalSet) HeadTarget(k string) float64 {
	if t, ok := g.Targets[g.head][k]; ok {
		return t
	}
	t, _, _ := cascade(g.all, pathIDs(g.headPath), k)
	return t
}

// GoalInput creates a goal set: the indicators with one target each, applied
// to the owner and every child organization (targets can then differ per scope).
type GoalInput struct {
	Name       string             `json:"name"`
	Year       int                `json:"year"`
	OwnerOrgID int64              `json:"owner_org_id"`
	Targets    map[string]float64 `json:"targets"`
}

// CreateGoalSet creates a goal set owned by an organization the actor manages.
// Permission comes before the fields: a reader who may not set goals learns
// nothing from the validation of a form it may not submit.
func (s *Service) CreateGoalSet(ctx context.Context, actor access.Actor, in GoalInput) (GoalSet, error) {
	if !actor.CanAnywhere(GoalManage) {
		return GoalSet{}, errs.New(errs.Forbidden, "您没有为党组织制定目标的权限", "you may not set goals")
	}
	var owner org.Org
	if in.OwnerOrgID != 0 {
		var err error
		if owner, err = s.orgs.Get(ctx, actor, in.OwnerOrgID); err != nil {
			return GoalSet{}, err
		}
		if !actor.Can(GoalManage, owner.Path) {
			return GoalSet{}, errs.New(errs.Forbidden, "您没有为该党组织制定目标的权限", "you may not set goals for this organization")
		}
	}
	var f errs.Fields
	if in.OwnerOrgID == 0 {
		f.Add("owner_org_id", "请选择制定目标的党组织", "choose the organization that sets the goals")
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		f.Add("name", "请填写目标名称（最多 100 字），如“2026年‘4+1’两新党建目标”", "enter a name of at most 100 characters")
	}
	if in.Year < 2000 || in.Year > 2100 {
		f.Add("year", "年度应为 2000–2100 之间的年份", "the year must be between 2000 and 2100")
	}
	if len(in.Targets) == 0 {
		f.Add("targets", "请至少选择一项指标并填写目标值", "choose at least one indicator with a target")
	}
	for k, v := range in.Targets {
		if _, ok := org.KeyOf(Indicators, k); !ok {
			f.Add("targets", "未知指标 "+k, "unknown indicator "+k)
		} else if v < 0 || v > 100 {
			f.Add("targets", fmt.Sprintf("%s 的目标值应在 0–100%% 之间", org.LabelOf(Indicators, k, "")), fmt.Sprintf("the target of %s must be 0–100%%", k))
		}
	}
	if err := f.Err(); err != nil {
		return GoalSet{}, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: owner.ID, ChildrenOnly: true, Limit: 5000})
	if err != nil {
		return GoalSet{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, "INSERT INTO goal_sets (name, year, owner_org_id, created_at) VALUES (?, ?, ?, ?) RETURNING id", in.Name, in.Year, owner.ID, db.FormatTime(s.now())).Scan(&id); err != nil {
			return errs.Wrap(err, "insert goal set")
		}
		for k, v := range in.Targets {
			for _, o := range append([]org.Org{owner}, kids...) {
				if _, err := tx.Exec(ctx, "INSERT INTO goal_targets (set_id, indicator, org_id, target) VALUES (?, ?, ?, ?)", id, k, o.ID, v); err != nil {
					return errs.Wrap(err, "insert target")
				}
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "goal.create", TargetType: "goal_set", TargetID: strconv.FormatInt(id, 10), OrgPath: owner.Path,
			Summary: i18n.Textf("制定目标 %s（%d 年，%d 项指标）", "set the goals %s (%d, %d indicators)", in.Name, in.Year, len(in.Targets)), After: in})
	})
	if err != nil {
		return GoalSet{}, err
	}
	return s.GoalSet(ctx, actor, id)
}

// GoalSet returns a goal set the actor may read: one owned inside its scope,
// or one that sets targets for organizations inside it (a township sees the
// city's goals for itself).
func (s *Service) GoalSet(ctx context.Context, actor access.Actor, id int64) (GoalSet, error) {
	g := GoalSet{ID: id, Targets: map[int64]map[string]float64{}, all: map[int64]map[string]float64{}}
	notFound := errs.Newf(errs.NotFound, "目标 %d 不存在或不在您的管理范围内", "goal set %d not found or outside your scope", id)
	err := s.db.QueryRow(ctx, "SELECT g.name, g.year, g.owner_org_id, "+org.PathCol("o")+", "+org.LabelCol("o")+" FROM goal_sets g"+org.Join("o", "g.owner_org_id")+" WHERE g.id = ?", id).
		Scan(&g.Name, &g.Year, &g.OwnerOrgID, &g.ownerPath, &g.OwnerName)
	if errors.Is(err, sql.ErrNoRows) {
		return GoalSet{}, notFound
	}
	if err != nil {
		return GoalSet{}, errs.Wrap(err, "goal set")
	}
	rows, err := s.db.Query(ctx, "SELECT t.indicator, t.org_id, t.target, "+org.PathCol("o")+" FROM goal_targets t"+org.Join("o", "t.org_id")+" WHERE t.set_id = ?", id)
	if err != nil {
		return g, errs.Wrap(err, "targets")
	}
	defer rows.Close()
	visible := actor.Can(UnitRead, g.ownerPath)
	seen := map[string]bool{}
	headPath := ""
	for rows.Next() {
		var k, path string
		var oid int64
		var v float64
		if err := rows.Scan(&k, &oid, &v, &path); err != nil {
			return g, errs.Wrap(err, "scan target")
		}
		if g.all[oid] == nil {
			g.all[oid] = map[string]float64{}
		}
		g.all[oid][k] = v
		// Targets of scopes the reader may not read stay on the server.
		if !actor.Can(UnitRead, path) {
			continue
		}
		visible = true
		if headPath == "" || len(path) < len(headPath) || (len(path) == len(headPath) && path < headPath) {
			g.head, headPath = oid, path
		}
		if g.Targets[oid] == nil {
			g.Targets[oid] = map[string]float64{}
		}
		g.Targets[oid][k] = v
		if !seen[k] {
			seen[k] = true
			g.Indicators = append(g.Indicators, k)
		}
	}
	if err := rows.Err(); err != nil {
		return g, errs.Wrap(err, "target rows")
	}
	// A reader below the owner whose own scope has no target in the set is
	// still held to it: the owner's targets cascade down to its scope, so
	// the set is shown with the reader's top scope as its head.
	if g.head == 0 && !actor.Unrestricted() {
		for _, root := range actor.Scopes(UnitRead) {
			if root != g.ownerPath && access.Within(root, g.ownerPath) && (headPath == "" || len(root) < len(headPath)) {
				ids := pathIDs(root)
				g.head, headPath, visible = ids[len(ids)-1], root, true
			}
		}
		if g.head != 0 && len(g.Indicators) == 0 {
			for k := range g.all[g.OwnerOrgID] {
				g.Indicators = append(g.Indicators, k)
			}
		}
	}
	if !visible {
		return GoalSet{}, notFound
	}
	g.headPath = headPath
	order := map[string]int{}
	for i, c := range Indicators {
		order[c.Key] = i
	}
	sort.Slice(g.Indicators, func(i, j int) bool { return order[g.Indicators[i]] < order[g.Indicators[j]] })
	return g, nil
}

// GoalSets lists the goal sets the actor may read, newest first: those with
// targets inside its scope and those owned above it, whose targets cascade
// down to it.
func (s *Service) GoalSets(ctx context.Context, actor access.Actor) ([]GoalSet, error) {
	if !actor.CanAnywhere(UnitRead) {
		return nil, errNoRead
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), UnitRead)
	// Sets owned above the reader's scope cascade down to it too.
	above := ""
	if !actor.Unrestricted() {
		var ids []string
		for _, root := range actor.Scopes(UnitRead) {
			p := pathIDs(root)
			for _, id := range p[:len(p)-1] {
				ids = append(ids, strconv.FormatInt(id, 10))
			}
		}
		if len(ids) > 0 {
			above = " OR g.owner_org_id IN (" + strings.Join(ids, ",") + ")"
		}
	}
	rows, err := s.db.Query(ctx, `SELECT g.id FROM goal_sets g WHERE EXISTS (SELECT 1 FROM goal_targets t`+org.Join("o", "t.org_id")+` WHERE t.set_id = g.id AND `+scope+`)`+above+`
		ORDER BY g.year DESC, g.id DESC`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "goal sets")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan goal set")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "goal sets")
	}
	var out []GoalSet
	for _, id := range ids {
		g, err := s.GoalSet(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// SetTarget changes one scope's target of one indicator.
func (s *Service) SetTarget(ctx context.Context, actor access.Actor, setID int64, indicator string, orgID int64, target float64) error {
	g, err := s.GoalSet(ctx, actor, setID)
	if err != nil {
		return err
	}
	if !actor.Can(GoalManage, g.ownerPath) {
		return errs.New(errs.Forbidden, "您没有修改该目标的权限", "you may not change this goal set")
	}
	if target < 0 || target > 100 {
		return errs.Field("target", "目标值应在 0–100% 之间", "the target must be 0–100%")
	}
	if _, ok := g.Targets[orgID][indicator]; !ok {
		return errs.Field("indicator", "该目标中没有这个范围或指标", "no such scope or indicator in this goal set")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE goal_targets SET target = ? WHERE set_id = ? AND indicator = ? AND org_id = ?", target, setID, indicator, orgID); err != nil {
			return errs.Wrap(err, "set target")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "goal.target", TargetType: "goal_set", TargetID: strconv.FormatInt(setID, 10), OrgPath: g.ownerPath,
			Summary: i18n.Text{ZH: fmt.Sprintf("调整目标 %s：组织 %d 的 %s %.1f%% → %.1f%%", g.Name, orgID, org.LabelOf(Indicators, indicator, ""), g.Targets[orgID][indicator], target),
				EN: fmt.Sprintf("changed the goals %s: %s of organization %d %.1f%% → %.1f%%", g.Name, org.LabelOf(Indicators, indicator, i18n.EN), orgID, g.Targets[orgID][indicator], target)},
			Before: map[string]any{"target": g.Targets[orgID][indicator]}, After: map[string]any{"target": target}})
	})
}

// Progress is one scope's standing against a goal set.
type Progress struct {
	Org    org.Org            `json:"org"`
	Values map[string]float64 `json:"values"`
	Target map[string]float64 `json:"targets"`
	Behind []string           `json:"behind"` // indicators below target
	// Inherited is set when the set names no target of its own for the
	// scope: its targets cascade from the nearest organization above it
	// that has one, in this set or in a nearer set of the same year.
	Inherited bool `json:"inherited"`
	// InheritedFrom is where the inherited targets come from (of the first
	// inherited indicator, when they come from several places); nil when
	// the targets are the set's own for the scope.
	InheritedFrom *TargetSource `json:"inherited_from"`
}

// TargetSource names the goal set and the organization whose target a scope
// inherits.
type TargetSource struct {
	SetID   int64  `json:"set_id"`
	SetName string `json:"set_name"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
}

// nearerSet is a goal set of the same year owned below the set being read
// and above a scope: its targets override the cascade from the farther set.
type nearerSet struct {
	id      int64
	name    string
	owner   int64
	targets map[int64]map[string]float64
}

// GoalProgress computes every indicator for the scopes of a goal set the
// reader sees: the top of the set inside its scope (the owner, or the
// reader's own organization when the owner is above it) and each of that
// top's child organizations, and marks the indicators below target. A
// scope without a target of its own in the set is held to the target that
// cascades down to it: a nearer set of the same year owned by an
// organization between the owner and the scope wins over the farther one,
// else the nearest organization above it with a target in this set.
func (s *Service) GoalProgress(ctx context.Context, actor access.Actor, setID int64) (GoalSet, []Progress, error) {
	g, err := s.GoalSet(ctx, actor, setID)
	if err != nil {
		return g, nil, err
	}
	var tops []string
	if actor.Can(UnitRead, g.ownerPath) {
		tops = []string{g.ownerPath}
	} else {
		for _, root := range actor.Scopes(UnitRead) {
			if root != g.ownerPath && access.Within(root, g.ownerPath) {
				tops = append(tops, root)
			}
		}
	}
	var scopes []org.Org
	seen := map[int64]bool{}
	addScope := func(o org.Org) {
		if !seen[o.ID] {
			seen[o.ID] = true
			scopes = append(scopes, o)
		}
	}
	for _, path := range tops {
		ids := pathIDs(path)
		top, err := s.orgs.Get(ctx, actor, ids[len(ids)-1])
		if err != nil {
			continue
		}
		addScope(top)
		kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: top.ID, ChildrenOnly: true, Limit: 5000})
		if err != nil {
			return g, nil, err
		}
		for _, k := range kids {
			addScope(k)
		}
	}
	// Scopes given a target of their own stay, wherever they are now.
	for oid := range g.Targets {
		if !seen[oid] {
			if o, err := s.orgs.Get(ctx, actor, oid); err == nil {
				addScope(o)
			}
		}
	}
	nearer, err := s.nearerSets(ctx, g, scopes)
	if err != nil {
		return g, nil, err
	}
	var out []Progress
	for _, o := range scopes {
		vals, err := s.indicatorValues(ctx, o)
		if err != nil {
			return g, nil, err
		}
		p := Progress{Org: o, Values: map[string]float64{}, Target: map[string]float64{}}
		for _, k := range g.Indicators {
			p.Values[k] = vals[k]
			t, src, ok := g.targetFor(o, k, nearer)
			if !ok {
				continue
			}
			p.Target[k] = t
			if src != nil {
				p.Inherited = true
				if p.InheritedFrom == nil {
					p.InheritedFrom = src
				}
			}
			if vals[k] < t {
				p.Behind = append(p.Behind, k)
			}
		}
		out = append(out, p)
	}
	if err := s.nameSources(ctx, out); err != nil {
		return g, nil, err
	}
	// The owner first, then the tops of the reader's scope, then their
	// children in division-code order, those without a code last.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Org, out[j].Org
		if (a.ID == g.OwnerOrgID) != (b.ID == g.OwnerOrgID) {
			return a.ID == g.OwnerOrgID
		}
		if a.Depth != b.Depth {
			return a.Depth < b.Depth
		}
		if (a.RegionCode == "") != (b.RegionCode == "") {
			return b.RegionCode == ""
		}
		if a.RegionCode != b.RegionCode {
			return a.RegionCode < b.RegionCode
		}
		return a.ID < b.ID
	})
	return g, out, nil
}

// targetFor resolves the target of indicator k for scope o: the set's own
// target for o (src nil), else the nearest set in nearer owned strictly
// between the owner and o that has the indicator, else the nearest
// organization above o with a target in this set.
func (g GoalSet) targetFor(o org.Org, k string, nearer map[int64][]nearerSet) (float64, *TargetSource, bool) {
	if t, ok := g.all[o.ID][k]; ok {
		return t, nil, true
	}
	ids := pathIDs(o.Path)
	above := ids[:max(len(ids)-1, 0)]
	// Nearest first: walk up from o's parent.
	for i := len(above) - 1; i >= 0; i-- {
		for _, n := range nearer[above[i]] {
			// The nearer set's owner set the target, for o or above it.
			if t, _, ok := cascade(n.targets, ids, k); ok {
				return t, &TargetSource{SetID: n.id, SetName: n.name, OrgID: n.owner}, true
			}
		}
		if above[i] == g.OwnerOrgID {
			break
		}
	}
	if t, from, ok := cascade(g.all, ids, k); ok {
		return t, &TargetSource{SetID: g.ID, SetName: g.Name, OrgID: from}, true
	}
	return 0, nil, false
}

// cascade finds the target of k for the organization at the end of ids in
// targets: its own, else that of its nearest ancestor; from is the
// organization that holds it.
func cascade(targets map[int64]map[string]float64, ids []int64, k string) (t float64, from int64, ok bool) {
	for i := len(ids) - 1; i >= 0; i-- {
		if t, ok := targets[ids[i]][k]; ok {
			return t, ids[i], true
		}
	}
	return 0, 0, false
}

// nearerSets reads the goal sets of g's year owned strictly below g's owner
// and strictly above one of scopes, newest first per owner, with their
// targets.
func (s *Service) nearerSets(ctx context.Context, g GoalSet, scopes []org.Org) (map[int64][]nearerSet, error) {
	owners := map[int64]bool{}
	for _, o := range scopes {
		if !access.Within(o.Path, g.ownerPath) {
			continue
		}
		ids, n := pathIDs(o.Path), len(pathIDs(g.ownerPath))
		for i := n; i < len(ids)-1; i++ {
			owners[ids[i]] = true
		}
	}
	out := map[int64][]nearerSet{}
	if len(owners) == 0 {
		return out, nil
	}
	args := []any{g.Year, g.ID}
	for id := range owners {
		args = append(args, id)
	}
	rows, err := s.db.Query(ctx, "SELECT id, name, owner_org_id FROM goal_sets WHERE year = ? AND id <> ? AND owner_org_id IN ("+
		strings.TrimSuffix(strings.Repeat("?,", len(owners)), ",")+") ORDER BY id DESC", args...)
	if err != nil {
		return nil, errs.Wrap(err, "nearer goal sets")
	}
	var sets []nearerSet
	for rows.Next() {
		n := nearerSet{targets: map[int64]map[string]float64{}}
		if err := rows.Scan(&n.id, &n.name, &n.owner); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan nearer goal set")
		}
		sets = append(sets, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "nearer goal sets")
	}
	for _, n := range sets {
		trows, err := s.db.Query(ctx, "SELECT indicator, org_id, target FROM goal_targets WHERE set_id = ?", n.id)
		if err != nil {
			return nil, errs.Wrap(err, "nearer targets")
		}
		for trows.Next() {
			var k string
			var oid int64
			var v float64
			if err := trows.Scan(&k, &oid, &v); err != nil {
				trows.Close()
				return nil, errs.Wrap(err, "scan nearer target")
			}
			if n.targets[oid] == nil {
				n.targets[oid] = map[string]float64{}
			}
			n.targets[oid][k] = v
		}
		trows.Close()
		if err := trows.Err(); err != nil {
			return nil, errs.Wrap(err, "nearer targets")
		}
		out[n.owner] = append(out[n.owner], n)
	}
	return out, nil
}

// nameSources fills in the names of the organizations inherited targets
// come from; they may lie above the reader's scope, which sees only their
// names, as it sees the owner's.
func (s *Service) nameSources(ctx context.Context, ps []Progress) error {
	var ids []int64
	for _, p := range ps {
		if p.InheritedFrom != nil {
			ids = append(ids, p.InheritedFrom.OrgID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refs, err := org.LookupMany(ctx, s.db, ids)
	if err != nil {
		return errs.Wrap(err, "target sources")
	}
	for _, p := range ps {
		if p.InheritedFrom != nil {
			p.InheritedFrom.OrgName = refs[p.InheritedFrom.OrgID].Label()
		}
	}
	return nil
}

// pathIDs splits a materialized path ("/1/17/203/") into its ids.
func pathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// indicatorValues computes every indicator of the menu for a subtree.
func (s *Service) indicatorValues(ctx context.Context, o org.Org) (map[string]float64, error) {
	var total, above Counts
	rows, err := s.db.Query(ctx, "SELECT size_class, coverage, n FROM coverage_agg WHERE org_id = ? AND n <> 0", o.ID)
	if err != nil {
		return nil, errs.Wrap(err, "indicator agg")
	}
	for rows.Next() {
		var size, cov string
		var n int
		if err := rows.Scan(&size, &cov, &n); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan indicator")
		}
		total.add(cov, n)
		if size == "above" {
			above.add(cov, n)
		}
	}
	rows.Close()
	var eligible, eligibleOwn int
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.coverage = 'own' THEN 1 ELSE 0 END), 0) FROM units u`+org.Join("a", "u.affiliation_org_id")+`
		WHERE `+access.InSubtree(org.PathCol("a"), o.Path)+` AND u.status = 'active' AND u.full_members >= 3`).Scan(&eligible, &eligibleOwn)
	if err != nil {
		return nil, errs.Wrap(err, "eligible units")
	}
	venues, err := s.venueShare(ctx, o)
	if err != nil {
		return nil, err
	}
	round := func(a, b int) float64 { return Summarize(Counts{Units: b, Own: a}).OrgRate }
	return map[string]float64{
		"org_coverage":            round(total.OrgCovered(), total.Units),
		"work_coverage":           round(total.WorkCovered(), total.Units),
		"above_size_org_coverage": round(above.OrgCovered(), above.Units),
		"own_when_eligible":       round(eligibleOwn, eligible),
		"instructor_share":        round(total.Instructor, total.Instructor+total.None),
		"venue_share":             venues,
	}, nil
}
