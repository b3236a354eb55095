package evaluation

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// The editor of a draft writes the indicator tree as rows in order, each
// with its depth (1 to maxDepth): a row belongs to the nearest row above it
// one level up. Rows, groups and levels travel as plain form fields, so
// that the editor works without script; rows are added by a submit button
// and dropped by a checkbox or by leaving them blank.
const maxDepth = 3

// evaEditRow is one indicator row of the editor as the form holds it.
type evaEditRow struct {
	Depth                        int
	Key, Name, Weight, Scale, Lv string
}

// evaEditGroup is one rater-group row of the editor.
type evaEditGroup struct {
	Key, Name, Weight string
	Masses            bool
}

// evaEdit is the editor page.
type evaEdit struct {
	C       evaluation.Campaign
	Rows    []evaEditRow
	Groups  []evaEditGroup
	Grades  []evaluation.GradeThreshold
	Depths  []int
	Problem []string // the problems of the live check, in order
	Checked bool     // the live check ran
}

// pct writes a weight as the percent the editor shows.
// Four decimals keep a weight of a third, typed through the API, summing to
// 100 when the editor saves it back.
func pct(w float64) string { return strconv.FormatFloat(math.Round(w*1e6)/1e4, 'f', -1, 64) }

// levelsText writes a scale's levels as the editor's field holds them, the
// built-in labels in lang.
func levelsText(s evaluation.Scale, lang string) string {
	parts := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		parts[i] = evaluation.NameIn(l.Label, lang) + "=" + strconv.FormatFloat(l.Points, 'f', -1, 64)
	}
	return strings.Join(parts, "，")
}

// gradesText writes the grades as the editor's field holds them, the
// built-in names in lang.
func gradesText(gs []evaluation.GradeThreshold, lang string) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = evaluation.NameIn(g.Grade, lang) + "=" + strconv.FormatFloat(g.Min, 'f', -1, 64)
	}
	return strings.Join(parts, "，")
}

// editForm writes a campaign into the editor's fields, the names of the
// built-in templates in lang (readEdit reads them back to the stored ones).
func editForm(c evaluation.Campaign, lang string) url.Values {
	f := url.Values{}
	r := c.Rules.WithDefaults()
	f.Set("version", strconv.Itoa(c.Version))
	f.Set("name", c.Name)
	f.Set("opens_at", c.OpensAt.In(org.Shanghai).Format(dtLocal))
	f.Set("closes_at", c.ClosesAt.In(org.Shanghai).Format(dtLocal))
	n := 0
	var walk func(inds []evaluation.Indicator, depth int)
	walk = func(inds []evaluation.Indicator, depth int) {
		for _, in := range inds {
			p := "ind-" + strconv.Itoa(n) + "-"
			n++
			f.Set(p+"depth", strconv.Itoa(depth))
			f.Set(p+"key", in.Key)
			f.Set(p+"name", evaluation.NameIn(in.Name, lang))
			f.Set(p+"weight", pct(in.Weight))
			if len(in.Children) == 0 {
				f.Set(p+"scale", in.Scale.Kind)
				f.Set(p+"levels", levelsText(in.Scale, lang))
			} else {
				f.Set(p+"scale", evaluation.ScaleLevels)
			}
			walk(in.Children, depth+1)
		}
	}
	walk(r.Indicators, 1)
	f.Set("ind_n", strconv.Itoa(n))
	for i, g := range r.Groups {
		p := "grp-" + strconv.Itoa(i) + "-"
		f.Set(p+"key", g.Key)
		f.Set(p+"name", evaluation.NameIn(g.Name, lang))
		f.Set(p+"weight", pct(g.Weight))
		if g.Masses {
			f.Set(p+"masses", "1")
		}
	}
	f.Set("grp_n", strconv.Itoa(len(r.Groups)))
	f.Set("k", strconv.Itoa(r.K))
	f.Set("min_ballots", strconv.Itoa(r.MinBallots))
	f.Set("few_ballots", r.FewBallots)
	if r.Trim {
		f.Set("trim", "1")
	}
	if r.VillageTemplate {
		f.Set("village_template", "1")
	}
	f.Set("top_cap", pct(r.TopCap))
	f.Set("grades", gradesText(r.Grades, lang))
	for _, v := range r.Vetoes {
		if v.Kind == evaluation.VetoMassesSatisfaction {
			f.Set("veto_threshold", strconv.FormatFloat(v.Threshold, 'f', -1, 64))
			f.Set("veto_grade", evaluation.NameIn(v.Grade, lang))
		}
	}
	return f
}

// count reads a row count of the form, bounded so that a forged number
// cannot make the server loop.
func count(f url.Values, name string, max int) int {
	n, err := strconv.Atoi(f.Get(name))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, max)
}

// pairSep splits the lists of levels and grades: commas, semicolons and
// line breaks, in either width.
var pairSep = regexp.MustCompile(`[,，;；、\n]+`)

// parsePairs reads "label=number" pairs (= or a colon of either width).
func parsePairs(v string) ([]string, []float64, bool) {
	var labels []string
	var nums []float64
	for _, part := range pairSep.Split(strings.TrimSpace(v), -1) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.IndexAny(part, "=:：＝")
		if i < 0 {
			return nil, nil, false
		}
		label := strings.TrimSpace(part[:i])
		rest := strings.TrimLeft(part[i:], "=:：＝")
		x, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			return nil, nil, false
		}
		labels, nums = append(labels, label), append(nums, x)
	}
	return labels, nums, true
}

// percent reads a percent field as a share; a blank is 0.
func percent(v string) (float64, bool) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	if v == "" {
		return 0, true
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, false
	}
	return x / 100, true
}

// editInput is the editor's form read into a DraftEdit, with the problems
// of its own format (numbers that are not numbers, a row deeper than the
// tree allows) by field, and the map from the rules' JSON paths to the
// form's fields, so that the domain's messages land at their rows.
type editInput struct {
	Edit   evaluation.DraftEdit
	Bad    map[string]string
	Fields map[string]string // "indicators[0].children[1]" → "ind-3"
	Rows   []evaEditRow
	Groups []evaEditGroup
}

// readEdit reads the editor's form. op "add_ind" and "add_group" add a
// blank row; rows marked for removal are left out of the rules and of the
// form shown again.
func readEdit(f url.Values, lang string) *editInput {
	in := &editInput{Bad: map[string]string{}, Fields: map[string]string{}}
	bad := map[string]bool{}
	in.Edit.Name = f.Get("name")
	// An English editor shows the built-in names in English; they are
	// stored in Chinese, as the templates give them.
	back := func(name string) string { return name }
	if lang == i18n.EN {
		back = evaluation.NameFromEN
	}
	in.Edit.OpensAt = timeField(f.Get("opens_at"), "opens_at", bad)
	in.Edit.ClosesAt = timeField(f.Get("closes_at"), "closes_at", bad)
	if bad["opens_at"] {
		in.Bad["opens_at"] = web.Msg(lang, "开始时间格式应为 2026-11-26 09:00", "enter the opening time as 2026-11-26 09:00")
	}
	if bad["closes_at"] {
		in.Bad["closes_at"] = web.Msg(lang, "结束时间格式应为 2026-12-20 17:00", "enter the closing time as 2026-12-20 17:00")
	}
	r := &in.Edit.Rules

	// The indicator rows, kept in the form shown again as typed.
	for i := range count(f, "ind_n", 500) {
		p := "ind-" + strconv.Itoa(i) + "-"
		if f.Get(p+"remove") != "" {
			continue
		}
		row := evaEditRow{Key: strings.TrimSpace(f.Get(p + "key")), Name: strings.TrimSpace(f.Get(p + "name")), Weight: strings.TrimSpace(f.Get(p + "weight")),
			Scale: f.Get(p + "scale"), Lv: strings.TrimSpace(f.Get(p + "levels"))}
		row.Depth, _ = strconv.Atoi(f.Get(p + "depth"))
		if row.Key == "" && row.Name == "" && row.Weight == "" {
			continue // a blank row, such as one added and not filled in
		}
		field := "ind-" + strconv.Itoa(len(in.Rows)) + "-"
		row.Depth = min(max(row.Depth, 1), maxDepth)
		prev := 0
		if n := len(in.Rows); n > 0 {
			prev = in.Rows[n-1].Depth
		}
		if row.Depth > prev+1 {
			in.Bad[field+"depth"] = web.Msg(lang, "层级不能比上一行深一级以上：请先添加上一级指标", "a row can be at most one level below the row above it: add its parent first")
			row.Depth = prev + 1
		}
		if _, ok := percent(row.Weight); !ok {
			in.Bad[field+"weight"] = web.Msg(lang, "权重应为百分数，如 20", "enter the weight as a percentage, e.g. 20")
		}
		if row.Scale == evaluation.ScaleLevels {
			if _, _, ok := parsePairs(row.Lv); !ok {
				in.Bad[field+"levels"] = web.Msg(lang, "等级应写作“名称=分值”，用逗号分隔，如 好=100，较好=85，一般=70，差=50",
					"write the levels as label=points separated by commas, e.g. Good=100, Fair=70, Poor=50")
			}
		}
		in.Rows = append(in.Rows, row)
	}
	r.Indicators = buildTree(in.Rows, in.Fields, back)

	for i := range count(f, "grp_n", 100) {
		p := "grp-" + strconv.Itoa(i) + "-"
		if f.Get(p+"remove") != "" {
			continue
		}
		g := evaEditGroup{Key: strings.TrimSpace(f.Get(p + "key")), Name: strings.TrimSpace(f.Get(p + "name")), Weight: strings.TrimSpace(f.Get(p + "weight")), Masses: f.Get(p+"masses") != ""}
		if g.Key == "" && g.Name == "" && g.Weight == "" {
			continue
		}
		field := "grp-" + strconv.Itoa(len(in.Groups)) + "-"
		in.Groups = append(in.Groups, g)
		w, ok := percent(g.Weight)
		if !ok {
			in.Bad[field+"weight"] = web.Msg(lang, "权重应为百分数，如 40", "enter the weight as a percentage, e.g. 40")
		}
		r.Groups = append(r.Groups, evaluation.Group{Key: g.Key, Name: back(g.Name), Weight: w, Masses: g.Masses})
		in.Fields[fmt.Sprintf("groups[%d]", len(r.Groups)-1)] = strings.TrimSuffix(field, "-")
	}
	switch f.Get("op") {
	case "add_ind":
		depth := 1
		if n := len(in.Rows); n > 0 {
			depth = in.Rows[n-1].Depth
		}
		in.Rows = append(in.Rows, evaEditRow{Depth: depth, Scale: evaluation.ScaleLevels})
	case "add_group":
		in.Groups = append(in.Groups, evaEditGroup{})
	}

	intField := func(name, zh, en string) int {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			in.Bad[name] = web.Msg(lang, zh, en)
		}
		return n
	}
	r.K = intField("k", "k 应为整数，如 5", "k is a whole number, e.g. 5")
	r.MinBallots = intField("min_ballots", "最少有效票数应为整数，如 5", "enter a whole number of ballots, e.g. 5")
	r.FewBallots = f.Get("few_ballots")
	r.Trim = f.Get("trim") != ""
	r.VillageTemplate = f.Get("village_template") != ""
	var ok bool
	if r.TopCap, ok = percent(f.Get("top_cap")); !ok {
		in.Bad["top_cap"] = web.Msg(lang, "比例上限应为百分数，如 10；0 表示不限", "enter the cap as a percentage, e.g. 10; 0 for no cap")
	}
	if labels, mins, ok := parsePairs(f.Get("grades")); !ok {
		in.Bad["grades"] = web.Msg(lang, "等次应写作“名称=分数线”，从高到低用逗号分隔，如 好=90，较好=80，一般=60，差=0",
			"write the grades as name=threshold from high to low, separated by commas, e.g. Good=90, Fair=60, Poor=0")
	} else {
		for i := range labels {
			r.Grades = append(r.Grades, evaluation.GradeThreshold{Grade: back(labels[i]), Min: mins[i]})
		}
	}
	if th := strings.TrimSpace(f.Get("veto_threshold")); th != "" {
		x, err := strconv.ParseFloat(strings.TrimSuffix(th, "%"), 64)
		if err != nil {
			in.Bad["veto_threshold"] = web.Msg(lang, "阈值应为百分数，如 50；留空表示不设否决", "enter the threshold as a percentage, e.g. 50; leave it blank for no veto")
		}
		r.Vetoes = []evaluation.Veto{{Kind: evaluation.VetoMassesSatisfaction, Threshold: x, Grade: back(strings.TrimSpace(f.Get("veto_grade")))}}
	}
	return in
}

// buildTree makes the indicator tree from the rows in order, their depths
// already checked: a row is a child of the nearest row above it one level
// up. It records each row's JSON path in fields ("indicators[0].children[1]"
// → "ind-3"), so that the domain's messages find their rows.
func buildTree(rows []evaEditRow, fields map[string]string, back func(string) string) []evaluation.Indicator {
	var build func(i, depth int, prefix string) ([]evaluation.Indicator, int)
	build = func(i, depth int, prefix string) ([]evaluation.Indicator, int) {
		var out []evaluation.Indicator
		for i < len(rows) && rows[i].Depth >= depth {
			row := rows[i]
			path := fmt.Sprintf("%s[%d]", prefix, len(out))
			fields[path] = "ind-" + strconv.Itoa(i)
			w, _ := percent(row.Weight)
			ind := evaluation.Indicator{Key: row.Key, Name: back(row.Name), Weight: w, Scale: evaluation.Scale{Kind: row.Scale}}
			if row.Scale == evaluation.ScaleLevels {
				labels, pts, _ := parsePairs(row.Lv)
				for j := range labels {
					ind.Scale.Levels = append(ind.Scale.Levels, evaluation.Level{Label: back(labels[j]), Points: pts[j]})
				}
			}
			ind.Children, i = build(i+1, depth+1, path+".children")
			if len(ind.Children) > 0 {
				// A parent is scored from its children; its scale is not asked.
				ind.Scale = evaluation.Scale{}
			}
			out = append(out, ind)
		}
		return out, i
	}
	out, _ := build(0, 1, "indicators")
	return out
}

// ruleField maps a field of the domain's errors ("rules.groups[1].weight")
// to the editor's field ("grp-1-weight"), or to the section it belongs to.
func (in *editInput) ruleField(field string) string {
	path := strings.TrimPrefix(field, "rules.")
	// The longest row path that starts the error's path names its row.
	best := ""
	for p := range in.Fields {
		if (path == p || strings.HasPrefix(path, p+".")) && len(p) > len(best) {
			best = p
		}
	}
	if best != "" {
		rest := strings.TrimPrefix(strings.TrimPrefix(path, best), ".")
		part, _, _ := strings.Cut(rest, ".")
		switch {
		case part == "scale" || strings.HasPrefix(rest, "scale"):
			part = "levels"
		case strings.HasPrefix(part, "children"):
			part = "weight"
		case part == "":
			part = "name"
		}
		return in.Fields[best] + "-" + part
	}
	switch {
	case strings.HasPrefix(path, "indicators"):
		return "indicators"
	case strings.HasPrefix(path, "groups"):
		return "groups"
	case strings.HasPrefix(path, "grades"):
		return "grades"
	case strings.HasPrefix(path, "vetoes"):
		if strings.HasSuffix(path, ".grade") {
			return "veto_grade"
		}
		return "veto_threshold"
	}
	return path
}

// problems places err's messages and the form's own at the editor's
// fields; a field with two problems shows both. It returns them by field
// and, in the order of the form, as the live check lists them.
func (in *editInput) problems(err error, lang string) (map[string]string, []string) {
	out := map[string]string{}
	add := func(field, msg string) {
		if prev, ok := out[field]; ok && prev != msg {
			out[field] = prev + web.Msg(lang, "；", "; ") + msg
		} else if !ok {
			out[field] = msg
		}
	}
	for k, m := range in.Bad {
		add(k, m)
	}
	if err != nil {
		e := errs.As(err)
		details := e.Details
		if len(details) == 0 {
			details = errs.Fields{e}
		}
		for _, d := range details {
			// A field that could not be read says so; what the domain
			// makes of its blank value would only confuse.
			if field := in.ruleField(d.Field); in.Bad[field] == "" {
				add(field, d.Message(lang))
			}
		}
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fieldOrder(keys[i]) < fieldOrder(keys[j]) })
	list := make([]string, 0, len(keys))
	for _, k := range keys {
		list = append(list, rowLabel(k, lang)+out[k])
	}
	return out, list
}

// fieldOrder sorts the editor's fields as the page shows them.
func fieldOrder(k string) string {
	section := map[string]string{"name": "0", "opens_at": "1", "closes_at": "2", "indicators": "3", "ind": "4", "groups": "5", "grp": "6"}
	head, rest, _ := strings.Cut(k, "-")
	s, ok := section[head]
	if !ok {
		s = "7"
	}
	n, tail, _ := strings.Cut(rest, "-")
	i, _ := strconv.Atoi(n)
	return fmt.Sprintf("%s%04d%s%s", s, i, tail, head)
}

// rowLabel names the row of a row field for the live check's list.
func rowLabel(k, lang string) string {
	head, rest, ok := strings.Cut(k, "-")
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, "-")
	i, _ := strconv.Atoi(n)
	switch head {
	case "ind":
		return web.Msg(lang, fmt.Sprintf("指标第 %d 行：", i+1), fmt.Sprintf("Indicator row %d: ", i+1))
	case "grp":
		return web.Msg(lang, fmt.Sprintf("评委组第 %d 行：", i+1), fmt.Sprintf("Rater group row %d: ", i+1))
	}
	return ""
}

// evaEditPage is the editor page of campaign c with the form f.
func (h *Pages) evaEditPage(r *http.Request, c evaluation.Campaign, f url.Values, in *editInput) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.evaPage(r, h.T(lang, "eva.edit_title"), web.Crumb{Label: c.Name, Href: evaHref(c.ID, "")}, web.Crumb{Label: h.T(lang, "eva.edit_title")})
	p.ScopeName = c.OwnerName
	p.Form = f
	v := &evaEdit{C: c, Rows: in.Rows, Groups: in.Groups, Depths: []int{1, 2, 3}}
	p.Data = v
	return p
}

// editable loads a campaign for its editor: a draft the actor may manage.
func (h *Pages) editable(w http.ResponseWriter, r *http.Request) (evaluation.Campaign, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return evaluation.Campaign{}, false
	}
	c, err := h.eval.CheckManage(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return evaluation.Campaign{}, false
	}
	if c.Status != evaluation.StatusDraft {
		h.Redirect(w, r, evaHref(id, ""), "err", web.Msg(i18n.FromRequest(r), "测评已开始，名称、时间和规则不能再修改", "the campaign has started: its name, window and rules can no longer change"))
		return evaluation.Campaign{}, false
	}
	return c, true
}

// EvalEditForm shows the editor of a draft filled with its name, window
// and rules.
func (h *Pages) EvalEditForm(w http.ResponseWriter, r *http.Request) {
	c, ok := h.editable(w, r)
	if !ok {
		return
	}
	lang := i18n.FromRequest(r)
	f := editForm(c, lang)
	in := readEdit(f, lang)
	h.render(w, r, http.StatusOK, "eval_admin_edit", "layout", h.evaEditPage(r, c, f, in))
}

// EvalEdit saves the editor, or shows it again: with a row added when a
// row button was pressed, with every problem at its field when the domain
// refuses the edit.
func (h *Pages) EvalEdit(w http.ResponseWriter, r *http.Request) {
	c, ok := h.editable(w, r)
	if !ok {
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	in := readEdit(r.PostForm, lang)
	p := h.evaEditPage(r, c, r.PostForm, in)
	if op := r.PostForm.Get("op"); op == "add_ind" || op == "add_group" {
		h.render(w, r, http.StatusOK, "eval_admin_edit", "layout", p)
		return
	}
	var err error
	if len(in.Bad) == 0 {
		_, err = h.eval.UpdateDraft(r.Context(), web.Actor(r), c.ID, in.Edit, web.FormVersion(r.PostForm))
		if err == nil {
			h.Redirect(w, r, evaHref(c.ID, ""), "ok", web.Msg(lang, "已保存测评“"+strings.TrimSpace(in.Edit.Name)+"”的修改", "Saved the changes to "+strings.TrimSpace(in.Edit.Name)))
			return
		}
	} else {
		// The form's own problems first; the domain's come with them.
		err = h.eval.CheckDraftEdit(r.Context(), web.Actor(r), c.ID, in.Edit)
	}
	kind := errs.KindOf(err)
	if err != nil && kind != errs.Invalid && kind != errs.Conflict {
		h.Fail(w, r, err)
		return
	}
	p.Errors, _ = in.problems(err, lang)
	status := http.StatusUnprocessableEntity
	if kind == errs.Conflict {
		status = http.StatusConflict
	}
	text := web.Msg(lang, "表单中有 "+strconv.Itoa(len(p.Errors))+" 处需要修改，请看各处的提示", strconv.Itoa(len(p.Errors))+" places need fixing: see the notes at each")
	if len(p.Errors) == 1 {
		for _, m := range p.Errors {
			text = m
		}
	}
	p.Flash = &web.Flash{Kind: "err", Text: text}
	h.render(w, r, status, "eval_admin_edit", "layout", p)
}

// EvalEditCheck is the editor's live check: it reads the form as a save
// would and answers, as a fragment, what the domain would say of it.
func (h *Pages) EvalEditCheck(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if _, err := h.eval.CheckManage(r.Context(), web.Actor(r), id); err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	in := readEdit(r.PostForm, lang)
	err = h.eval.CheckDraftEdit(r.Context(), web.Actor(r), id, in.Edit)
	if k := errs.KindOf(err); err != nil && k != errs.Invalid && k != errs.Conflict {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "evaluation", "")
	v := &evaEdit{Checked: true}
	_, v.Problem = in.problems(err, lang)
	p.Data = v
	h.render(w, r, http.StatusOK, "eval_admin_edit", "edit-check", p)
}
