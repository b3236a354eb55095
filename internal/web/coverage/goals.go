package coverage

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// goalRow is one goal set in the list.
type goalRow struct {
	Set     coverage.GoalSet
	Targets []string // the owner's targets, or the reader's own when the owner is above it: "组织覆盖率 ≥ 90%"
}

// covGoals is the goal list with its create form.
type covGoals struct {
	Rows    []goalRow
	CanNew  bool
	Opts    covOptions
	Checked map[string]bool
}

func (h *Pages) goalsPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "coverage", h.T(lang, "cov.goals_title"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.coverage"), Href: "/coverage"}, {Label: p.Title}}
	return p
}

func (h *Pages) goalsData(r *http.Request) (*covGoals, error) {
	actor := web.Actor(r)
	sets, err := h.cov.GoalSets(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	v := &covGoals{CanNew: actor.CanAnywhere(coverage.GoalManage), Opts: covOpts, Checked: map[string]bool{}}
	lang := i18n.FromRequest(r)
	for _, g := range sets {
		row := goalRow{Set: g}
		for _, k := range g.Indicators {
			row.Targets = append(row.Targets, covLabel("indicator", k, lang)+" ≥ "+formatTarget(g.HeadTarget(k)))
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// CoverageGoals lists the goal sets of the actor's scope and offers the
// form that creates one.
func (h *Pages) CoverageGoals(w http.ResponseWriter, r *http.Request) {
	p := h.goalsPage(r)
	v, err := h.goalsData(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form.Set("year", strconv.Itoa(h.Now().In(org.Shanghai).Year()))
	p.Picker("owner_org_id", web.PickFilter{})
	if roots, err := h.Orgs.Roots(r.Context(), web.Actor(r)); err == nil && len(roots) > 0 {
		p.Form.Set("owner_org_id", strconv.FormatInt(roots[0].ID, 10))
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "coverage_goals", "layout", p)
}

// CoverageGoalNew creates a goal set from the checked indicators and their
// targets; on error the form shows again as typed.
func (h *Pages) CoverageGoalNew(w http.ResponseWriter, r *http.Request) {
	p := h.goalsPage(r)
	v, err := h.goalsData(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	p.Data = v
	p.Picker("owner_org_id", web.PickFilter{})
	// The owner is picked by name; typed text that names one organization
	// is taken, otherwise the field says what to do.
	if err := h.ResolveOrg(r.Context(), web.Actor(r), r.PostForm, "owner_org_id", web.PickFilter{}); err != nil {
		h.covFormError(w, r, p, "coverage_goals", err, nil)
		return
	}
	bad := map[string]bool{}
	in := coverage.GoalInput{Name: r.PostForm.Get("name"), Year: web.IntField(r.PostForm.Get("year"), "year", bad),
		OwnerOrgID: web.IDField(r.PostForm.Get("owner_org_id"), "owner_org_id", bad), Targets: map[string]float64{}}
	var f errs.Fields
	for _, k := range r.PostForm["indicator"] {
		v.Checked[k] = true
		label := covLabel("indicator", k, "")
		s := strings.TrimSuffix(strings.TrimSpace(r.PostForm.Get("target_"+k)), "%")
		if s == "" {
			f.Add("targets", "请填写“"+label+"”的目标值（0–100）", "enter the target of "+covLabel("indicator", k, i18n.EN)+" (0–100)")
			continue
		}
		t, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add("targets", "“"+label+"”的目标值应为 0–100 之间的数字，如 90", "the target of "+covLabel("indicator", k, i18n.EN)+" must be a number from 0 to 100")
			continue
		}
		in.Targets[k] = t
	}
	if err := f.Err(); err != nil || len(bad) > 0 {
		if err == nil {
			err = numberError(bad)
		}
		h.covFormError(w, r, p, "coverage_goals", err, bad)
		return
	}
	g, err := h.cov.CreateGoalSet(r.Context(), web.Actor(r), in)
	if err != nil {
		// An owner out of reach is named at its field.
		if k := errs.KindOf(err); k == errs.NotFound || k == errs.Forbidden {
			e := errs.As(err)
			err = errs.Field("owner_org_id", e.ZH, e.EN)
		}
		h.covFormError(w, r, p, "coverage_goals", err, bad)
		return
	}
	h.Redirect(w, r, "/coverage/goals/"+strconv.FormatInt(g.ID, 10), "ok", web.Msg(p.Lang, "已制定目标“"+g.Name+"”", "Created the goal set "+g.Name))
}

// goalCell is one indicator of one scope.
type goalCell struct {
	Key           string
	Value, Target string
	Behind        bool
}

// goalScope is one row of the progress table.
type goalScope struct {
	Org   org.Org
	Owner bool
	Cells []goalCell
	// From names where inherited targets come from: "兴宁区委" or, when
	// another set's, "兴宁区委《2026年兴宁区目标》"; empty for the set's own.
	From string
}

// covGoal is the progress page of a goal set.
type covGoal struct {
	Set       coverage.GoalSet
	Owner     org.Org
	Rows      []goalScope
	Own       []goalScope // the rows with targets of their own, which may be changed
	Behind    int         // cells below target
	Cells     int
	CanManage bool
	Charts    []template.JS
	Headers   [][]string // each indicator's label in one or two lines, so that the table fits
}

// twoLines splits a long column label near its middle, after "的" or at a
// space when there is one, so that a header does not push the table wide.
func twoLines(s string) []string {
	r := []rune(s)
	if len(r) <= 10 {
		return []string{s}
	}
	best := -1
	for i, c := range r {
		if (c == '的' || c == ' ') && i > 1 && i < len(r)-2 && (best < 0 || abs(i-len(r)/2) < abs(best-len(r)/2)) {
			best = i
		}
	}
	if best < 0 {
		best = len(r)/2 - 1
	}
	return []string{strings.TrimSpace(string(r[:best+1])), strings.TrimSpace(string(r[best+1:]))}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (h *Pages) goalData(w http.ResponseWriter, r *http.Request, p *web.Page) (*covGoal, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	g, progress, err := h.cov.GoalProgress(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &covGoal{Set: g}
	v.Owner, _ = h.Orgs.Get(ctx, actor, g.OwnerOrgID)
	v.CanManage = v.Owner.ID != 0 && actor.Can(coverage.GoalManage, v.Owner.Path)
	for _, pr := range progress {
		row := goalScope{Org: pr.Org, Owner: pr.Org.ID == g.OwnerOrgID, From: targetSource(g, pr)}
		behind := map[string]bool{}
		for _, k := range pr.Behind {
			behind[k] = true
		}
		for _, k := range g.Indicators {
			row.Cells = append(row.Cells, goalCell{Key: k, Value: formatRate(pr.Values[k]), Target: formatTarget(pr.Target[k]), Behind: behind[k]})
			v.Cells++
			if behind[k] {
				v.Behind++
			}
		}
		v.Rows = append(v.Rows, row)
		if !pr.Inherited {
			v.Own = append(v.Own, row)
		}
	}
	for _, k := range g.Indicators {
		v.Headers = append(v.Headers, twoLines(covLabel("indicator", k, p.Lang)))
		c := web.RateChart{Type: "hbar", Title: covLabel("indicator", k, p.Lang), Unit: "%"}
		for _, pr := range progress {
			c.Items = append(c.Items, web.RateItem{Name: pr.Org.Label(), Value: web.Round1(pr.Values[k]), Href: "/coverage?org=" + strconv.FormatInt(pr.Org.ID, 10)})
		}
		v.Charts = append(v.Charts, web.RateChartJSON(c))
	}
	p.Title = g.Name
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "nav.coverage"), Href: "/coverage"}, {Label: h.T(p.Lang, "cov.goals_title"), Href: "/coverage/goals"}, {Label: g.Name}}
	if v.Owner.ID != 0 {
		p.ScopeName = v.Owner.Label()
	}
	p.Charts = true
	p.Data = v
	return v, true
}

// targetSource names where the inherited targets of a progress row come
// from: the organization, and the other set when they are not this set's.
func targetSource(g coverage.GoalSet, p coverage.Progress) string {
	if p.InheritedFrom == nil {
		return ""
	}
	if p.InheritedFrom.SetID == g.ID {
		return p.InheritedFrom.OrgName
	}
	return p.InheritedFrom.OrgName + "《" + p.InheritedFrom.SetName + "》"
}

// CoverageGoalShow shows every scope's standing against a goal set: value
// and target per indicator, those below target marked 未达标.
func (h *Pages) CoverageGoalShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	if _, ok := h.goalData(w, r, p); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "coverage_goal", "layout", p)
}

// CoverageGoalTarget changes one scope's target of one indicator.
func (h *Pages) CoverageGoalTarget(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "coverage", "")
	v, ok := h.goalData(w, r, p)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	bad := map[string]bool{}
	orgID := web.IDField(r.PostForm.Get("org_id"), "org_id", bad)
	indicator := r.PostForm.Get("indicator")
	s := strings.TrimSuffix(strings.TrimSpace(r.PostForm.Get("target")), "%")
	target, err := strconv.ParseFloat(s, 64)
	if err != nil {
		bad["target"] = true
	}
	if len(bad) > 0 {
		h.covFormError(w, r, p, "coverage_goal", numberError(bad), bad)
		return
	}
	if err := h.cov.SetTarget(r.Context(), web.Actor(r), v.Set.ID, indicator, orgID, target); err != nil {
		h.covFormError(w, r, p, "coverage_goal", err, bad)
		return
	}
	name := ""
	for _, row := range v.Rows {
		if row.Org.ID == orgID {
			name = row.Org.Label()
		}
	}
	h.Redirect(w, r, "/coverage/goals/"+strconv.FormatInt(v.Set.ID, 10), "ok",
		web.Msg(p.Lang, fmt.Sprintf("已将%s的“%s”目标调整为 %s", name, covLabel("indicator", indicator, p.Lang), formatTarget(target)),
			fmt.Sprintf("Target of %s for %s set to %s", covLabel("indicator", indicator, p.Lang), name, formatTarget(target))))
}
