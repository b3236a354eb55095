package coverage

import (
	"net/http"
	"strconv"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// covSets names the label sets of the coverage pages for the covlabel
// template function.
var covSets = map[string][]org.Choice{
	"category":  coverage.Categories,
	"size":      coverage.SizeClasses,
	"industry":  coverage.Industries,
	"status":    coverage.Statuses,
	"rule":      coverage.Rules,
	"indicator": coverage.Indicators,
}

// covLabel is the label of key in the named set; "" stays "".
func covLabel(set, key, lang string) string {
	if key == "" {
		return ""
	}
	return org.LabelOf(covSets[set], key, lang)
}

// formatRate writes a percentage with one decimal: 87.5 → "87.5%".
func formatRate(f float64) string {
	return strconv.FormatFloat(web.Round1(f), 'f', 1, 64) + "%"
}

// formatTarget writes a target without trailing zeros: 90 → "90%", 87.5 → "87.5%".
func formatTarget(f float64) string {
	return strconv.FormatFloat(web.Round1(f), 'f', -1, 64) + "%"
}

// covOptions are the choice lists of the coverage forms and filters.
type covOptions struct {
	Categories, Sizes, Industries, Statuses, Rules, Indicators []org.Choice
}

var covOpts = covOptions{Categories: coverage.Categories, Sizes: coverage.SizeClasses, Industries: coverage.Industries,
	Statuses: coverage.Statuses, Rules: coverage.Rules, Indicators: coverage.Indicators}

// covScope picks the organization a coverage page looks at: ?org=ID when the
// actor may read it, else the first root of the actor's scope.
func (h *Pages) covScope(r *http.Request) (org.Org, []org.Org, error) {
	actor := web.Actor(r)
	roots, err := h.Orgs.Roots(r.Context(), actor)
	if err != nil {
		return org.Org{}, nil, err
	}
	if s := r.URL.Query().Get("org"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return org.Org{}, roots, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", s)
		}
		o, err := h.Orgs.Get(r.Context(), actor, id)
		return o, roots, err
	}
	if len(roots) == 0 {
		return org.Org{}, nil, errs.New(errs.Forbidden, "您的账号尚未被授予任何党组织的权限，请联系管理员", "your account has no organization yet: ask an administrator")
	}
	return roots[0], roots, nil
}

// covCrumbs sets the breadcrumb of a coverage page: 两新覆盖, the
// organizations from the actor's root down to o (each a drill-down link),
// then the extra steps.
func (h *Pages) covCrumbs(r *http.Request, p *web.Page, o org.Org, extra ...web.Crumb) {
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "nav.coverage"), Href: "/coverage"}}
	if o.ID != 0 {
		bc, _ := h.Orgs.Breadcrumb(r.Context(), web.Actor(r), o)
		for _, b := range bc {
			p.Crumbs = append(p.Crumbs, web.Crumb{Label: b.Label(), Href: "/coverage?org=" + strconv.FormatInt(b.ID, 10)})
		}
		p.ScopeName = o.Label()
	}
	p.Crumbs = append(p.Crumbs, extra...)
	if len(extra) == 0 {
		p.Crumbs[len(p.Crumbs)-1].Href = ""
	}
}

// numberMessages are the messages for fields that were not numbers.
var numberMessages = map[string][2]string{
	"employees":            {"从业人数应为整数，如 25", "enter the number of employees as a whole number, e.g. 25"},
	"full_members":         {"正式党员人数应为整数，如 3", "enter the full members as a whole number, e.g. 3"},
	"probationary_members": {"预备党员人数应为整数，如 1", "enter the probationary members as a whole number, e.g. 1"},
	"affiliation_org_id":   {"隶属党组织编号应为数字，可在党组织详情页查看", "the organization number is a number shown on the organization's page"},
	"org_id":               {"党组织编号应为数字，可在党组织详情页查看", "the organization number is a number shown on the organization's page"},
	"year":                 {"年度应为四位数字，如 2026", "enter the year as four digits, e.g. 2026"},
	"owner_org_id":         {"制定目标的党组织编号应为数字", "the organization number must be a number"},
	"target":               {"目标值应为 0–100 之间的数字，如 90", "the target must be a number from 0 to 100, e.g. 90"},
}

// withNumberErrors shows "enter a number" at each field that was not one,
// in place of what the domain said about the -1 it received.
func withNumberErrors(p *web.Page, bad map[string]bool) {
	for f := range bad {
		m := numberMessages[f]
		p.Errors[f] = web.Msg(p.Lang, m[0], m[1])
	}
}

// numberError is an invalid-input error for the fields that were not
// numbers, used when the domain is not called at all.
func numberError(bad map[string]bool) error {
	var f errs.Fields
	for _, k := range []string{"employees", "full_members", "probationary_members", "affiliation_org_id", "org_id", "year", "owner_org_id", "target"} {
		if bad[k] {
			m := numberMessages[k]
			f.Add(k, m[0], m[1])
		}
	}
	return f.Err()
}

// covFormError is the kit's FormError for the coverage forms: it also puts
// "enter a number" at each field that was not one.
func (h *Pages) covFormError(w http.ResponseWriter, r *http.Request, p *web.Page, page string, err error, bad map[string]bool) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		h.Fail(w, r, err)
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	withNumberErrors(p, bad)
	p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(p.Errors) > 1 {
		p.Flash.Text = web.Msg(p.Lang, "表单中有 "+strconv.Itoa(len(p.Errors))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(p.Errors))+" fields need fixing: see the notes below each")
	} else if m, ok := p.Errors[e.Field]; ok {
		p.Flash.Text = m
	}
	h.render(w, r, web.Status(e.Kind), page, "layout", p)
}
