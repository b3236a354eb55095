package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// PickLimit is the most organizations one search of a picker returns: a
// picker is for finding one, a longer list asks for a better word.
const PickLimit = 12

// PickFilter narrows what an organization picker offers. The actor's read
// scope always bounds it.
type PickFilter struct {
	Kind  string // only organizations of this kind
	Level string // only organizations of this level
	Under int64  // only this organization's subtree
	// Directory searches every active organization of the installation,
	// not only the actor's scope, by at least two characters of its name:
	// a transfer names a receiving organization the sender cannot read.
	// The picker shows names and paths, nothing else of the organization.
	Directory bool
}

// directory reads organization names for a directory picker.
var directory = access.SystemActor("directory")

// reader is who the picker reads the tree as.
func (f PickFilter) reader(actor access.Actor) access.Actor {
	if f.Directory {
		return directory
	}
	return actor
}

// query is the picker's search address for the filter.
func (f PickFilter) query(field string) string {
	v := url.Values{"field": {field}}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if f.Level != "" {
		v.Set("level", f.Level)
	}
	if f.Under != 0 {
		v.Set("under", strconv.FormatInt(f.Under, 10))
	}
	if f.Directory {
		v.Set("scope", "all")
	}
	return "/pick/orgs?" + v.Encode()
}

// PickResult is one organization a picker offers, with its path.
type PickResult struct {
	ID   int64
	Name string
	Kind string
	Path []string // the ancestors the actor may read, root first
}

// OrgField is what the "org-picker" template shows for one form field: the
// organization chosen (its id, name and path), or what was typed and, for
// browsers without JavaScript, the organizations that match it as choices.
type OrgField struct {
	Name    string // the form field that carries the id
	Value   string
	Text    string
	Path    []string
	Src     string
	Typed   bool // text was typed but no organization chosen
	Choices []PickResult
}

// Picker declares an organization picker of the page for the form field
// name; Render fills it from the page's form, so that a form shown again
// keeps the organization chosen (its name and path) or what was typed.
func (p *Page) Picker(name string, f PickFilter) {
	if p.pickers == nil {
		p.pickers = map[string]PickFilter{}
	}
	p.pickers[name] = f
}

// RegionPicker declares a cascading region picker for the form field name,
// which holds a village-level division code.
func (p *Page) RegionPicker(name string) {
	p.regionPickers = append(p.regionPickers, name)
}

// fillPickers resolves the page's pickers before it is rendered.
func (k *Kit) fillPickers(r *http.Request, p *Page) {
	if len(p.pickers) == 0 && len(p.regionPickers) == 0 {
		return
	}
	ctx, actor := r.Context(), Actor(r)
	p.Picks = map[string]*OrgField{}
	for name, f := range p.pickers {
		p.Picks[name] = k.orgField(ctx, actor, p.Form, name, f)
	}
	p.Regions = map[string]*RegionField{}
	for _, name := range p.regionPickers {
		p.Regions[name] = k.regionField(ctx, actor, p.Lang, p.Form.Get(name))
	}
}

// picked is the first non-empty value of the field name: a form without
// JavaScript may carry both the empty hidden id and a chosen radio button.
func picked(form url.Values, name string) string {
	for _, v := range form[name] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func (k *Kit) orgField(ctx context.Context, actor access.Actor, form url.Values, name string, f PickFilter) *OrgField {
	of := &OrgField{Name: name, Src: f.query(name), Text: strings.TrimSpace(form.Get(name + "_q"))}
	if v := picked(form, name); v != "" {
		of.Value = v
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			if o, err := k.Orgs.Get(ctx, f.reader(actor), id); err == nil {
				of.Text = o.Name
				if paths, err := k.Orgs.Paths(ctx, f.reader(actor), []int64{id}); err == nil {
					of.Path = paths[id]
				}
				return of
			}
		}
		return of
	}
	if of.Text != "" {
		of.Typed = true
		of.Choices, _ = k.SearchOrgs(ctx, actor, of.Text, f)
	}
	return of
}

// SearchOrgs finds the organizations whose name or short name contains q
// (or whose number or division code is q) within the actor's read scope
// and the filter: names equal to q first, then those starting with it,
// then the rest, at most PickLimit, each with its path. An empty q lists
// the top of the scope.
func (k *Kit) SearchOrgs(ctx context.Context, actor access.Actor, q string, f PickFilter) ([]PickResult, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) > 50 {
		q = string([]rune(q)[:50])
	}
	var found []org.Org
	if f.Directory && len([]rune(q)) < 2 {
		return nil, nil
	}
	actor = f.reader(actor)
	if id, err := strconv.ParseInt(q, 10, 64); err == nil && id > 0 && len(q) < 9 && !f.Directory {
		if o, err := k.Orgs.Get(ctx, actor, id); err == nil && o.Active() && f.allows(o) {
			found = append(found, o)
		}
	}
	rows, _, err := k.Orgs.List(ctx, actor, org.ListQuery{Q: q, Kind: f.Kind, Level: f.Level, Under: f.Under, Limit: PickLimit, Sort: "relevance"})
	if err != nil {
		return nil, err
	}
	found = append(found, rows...)
	seen := map[int64]bool{}
	var ids []int64
	var out []PickResult
	for _, o := range found {
		if seen[o.ID] || len(out) == PickLimit {
			continue
		}
		seen[o.ID] = true
		ids = append(ids, o.ID)
		out = append(out, PickResult{ID: o.ID, Name: o.Name, Kind: o.Kind})
	}
	paths, err := k.Orgs.Paths(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Path = paths[out[i].ID]
	}
	return out, nil
}

func (f PickFilter) allows(o org.Org) bool {
	if f.Kind != "" && o.Kind != f.Kind || f.Level != "" && o.Level != f.Level {
		return false
	}
	return f.Under == 0 || strings.Contains(o.Path, "/"+strconv.FormatInt(f.Under, 10)+"/")
}

// ResolveOrg settles the organization field name of a posted form before it
// is used. A picker sends the chosen id; a browser without JavaScript, or a
// user who typed and did not choose, sends only the text (name+"_q"). Then
// the one organization it names is taken — the one whose name is the text,
// or the only match — and otherwise the field error says what to do, while
// the form shown again offers the matches to choose from.
func (k *Kit) ResolveOrg(ctx context.Context, actor access.Actor, form url.Values, name string, f PickFilter) error {
	if v := picked(form, name); v != "" {
		form.Set(name, v)
		return nil
	}
	q := strings.TrimSpace(form.Get(name + "_q"))
	if q == "" {
		return nil
	}
	res, err := k.SearchOrgs(ctx, actor, q, f)
	if err != nil {
		return err
	}
	var exact []PickResult
	for _, o := range res {
		if o.Name == q {
			exact = append(exact, o)
		}
	}
	if len(exact) == 1 {
		res = exact
	}
	switch len(res) {
	case 0:
		if f.Directory {
			return errs.Field(name, fmt.Sprintf("没有名称含“%s”的党组织（至少输入两个字），请换个词查找", q),
				fmt.Sprintf("no organization has %q in its name (type at least two characters): try another word", q))
		}
		return errs.Field(name, fmt.Sprintf("在您的管理范围内没有名称含“%s”的党组织，请换个词查找", q),
			fmt.Sprintf("no organization in your scope has %q in its name: try another word", q))
	case 1:
		form.Set(name, strconv.FormatInt(res[0].ID, 10))
		return nil
	}
	return errs.Field(name, fmt.Sprintf("有多个党组织的名称含“%s”，请从下面选一个", q),
		fmt.Sprintf("several organizations have %q in their name: choose one below", q))
}

// fieldName is what a picker's field may be called.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// PickOrgs answers a picker's search with the options of its list box: the
// organizations matching ?q= within the actor's scope and the filter
// (?kind=, ?level=, ?under=), each with its path.
func (k *Kit) PickOrgs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := PickFilter{Kind: q.Get("kind"), Level: q.Get("level"), Directory: q.Get("scope") == "all"}
	if u := q.Get("under"); u != "" {
		f.Under, _ = strconv.ParseInt(u, 10, 64)
	}
	field := q.Get("field")
	if !fieldName.MatchString(field) {
		field = "org"
	}
	res, err := k.SearchOrgs(r.Context(), Actor(r), q.Get("q"), f)
	if err != nil {
		e := errs.As(err)
		http.Error(w, e.Message(i18n.FromRequest(r)), Status(e.Kind))
		return
	}
	p := k.Page(r, "", "")
	p.Data = map[string]any{"Field": field, "Results": res, "Q": strings.TrimSpace(q.Get("q"))}
	k.Render(w, r, http.StatusOK, k.base, "pick", "pick-orgs", p)
}

// RegionField is what the "region-picker" template shows: one select per
// level from the top of the actor's region down to the village, each with
// the divisions under the one chosen above it.
type RegionField struct {
	Name   string
	Value  string
	Levels []RegionLevel
}

// RegionLevel is one select of a region picker.
type RegionLevel struct {
	Label    string
	Options  []region.Division
	Selected string
}

var levelWords = map[region.Level]i18n.Text{
	region.Province: {ZH: "省（区、市）", EN: "Province"},
	region.City:     {ZH: "市（州、盟）", EN: "City"},
	region.County:   {ZH: "县（市、区）", EN: "County or district"},
	region.Township: {ZH: "乡镇（街道）", EN: "Township or subdistrict"},
	region.Village:  {ZH: "村（社区）", EN: "Village or community"},
}

func (k *Kit) regionField(ctx context.Context, actor access.Actor, lang, value string) *RegionField {
	rf := &RegionField{Value: strings.TrimSpace(value)}
	roots, err := k.Orgs.ScopeRegions(ctx, actor, access.OrgRead)
	if err != nil || len(roots) == 0 {
		return rf
	}
	var opts []region.Division
	if len(roots) == 1 {
		if opts, err = k.Orgs.Divisions(ctx, actor, roots[0]); err != nil {
			return rf
		}
	} else {
		for _, c := range roots {
			if d, ok := k.Orgs.Division(c); ok {
				opts = append(opts, d)
			}
		}
	}
	for len(opts) > 0 {
		lv := RegionLevel{Label: levelWords[opts[0].Level].In(lang), Options: opts}
		for _, d := range opts {
			if strings.HasPrefix(rf.Value, d.Code) {
				lv.Selected = d.Code
			}
		}
		rf.Levels = append(rf.Levels, lv)
		if opts[0].Level >= region.Village {
			break
		}
		next := []region.Division{}
		if lv.Selected != "" {
			next, _ = k.Orgs.Divisions(ctx, actor, lv.Selected)
		}
		if len(next) == 0 {
			// The levels below, empty until one above is chosen.
			for l := opts[0].Level + 1; l <= region.Village; l++ {
				rf.Levels = append(rf.Levels, RegionLevel{Label: levelWords[l].In(lang)})
			}
			break
		}
		opts = next
	}
	return rf
}

// PickRegions answers a region picker's choice with the options of the
// next select: the divisions under ?parent= within the actor's region.
func (k *Kit) PickRegions(w http.ResponseWriter, r *http.Request) {
	var ds []region.Division
	var err error
	if parent := strings.TrimSpace(r.URL.Query().Get("parent")); parent != "" {
		ds, err = k.Orgs.Divisions(r.Context(), Actor(r), parent)
	}
	if err != nil {
		e := errs.As(err)
		http.Error(w, e.Message(i18n.FromRequest(r)), Status(e.Kind))
		return
	}
	p := k.Page(r, "", "")
	p.Data = ds
	k.Render(w, r, http.StatusOK, k.base, "pick", "pick-regions", p)
}
