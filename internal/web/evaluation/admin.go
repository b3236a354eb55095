package evaluation

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// evaStatuses are the campaign states in the order they are passed through.
var evaStatuses = []string{evaluation.StatusDraft, evaluation.StatusOpen, evaluation.StatusClosed, evaluation.StatusPublished}

func evaTypeLabel(key, lang string) string {
	for _, t := range evaluation.CampaignTypes {
		if t.Key == key {
			return t.In(lang)
		}
	}
	return key
}

func evaHref(id int64, tail string) string {
	return "/evaluation/" + strconv.FormatInt(id, 10) + tail
}

// evaPage is a page of the evaluation module with its breadcrumb.
func (h *Pages) evaPage(r *http.Request, title string, extra ...web.Crumb) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "evaluation", title)
	p.Crumbs = append([]web.Crumb{{Label: h.T(lang, "nav.evaluation"), Href: "/evaluation"}}, extra...)
	if len(extra) == 0 {
		p.Crumbs[0].Href = ""
	}
	return p
}

// evaList is the campaign list.
type evaList struct {
	Rows     []evaluation.Campaign
	List     *web.List
	CanNew   bool
	Filtered bool
	Years    []int
	Types    map[string]string
}

// Date writes a time as the tables show it, in Beijing time.
func (evaList) Date(t time.Time) string { return t.In(org.Shanghai).Format("2006-01-02") }

// evaTypes maps the campaign types to their labels in lang.
func evaTypes(lang string) map[string]string {
	m := map[string]string{}
	for _, t := range evaluation.CampaignTypes {
		m[t.Key] = t.In(lang)
	}
	return m
}

// evaCampaigns reads the campaigns of the actor's scope, filtered by the
// URL's q, year and status and sorted by its sort; campaigns are few, so
// the name search and the sorting happen here.
func (h *Pages) evaCampaigns(r *http.Request, l *web.List) ([]evaluation.Campaign, []int, error) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	var all []evaluation.Campaign
	for off := 0; ; off += 1000 {
		rows, total, err := h.eval.List(ctx, actor, evaluation.CampaignQuery{Status: v.Get("status"), Limit: 1000, Offset: off})
		if err != nil {
			return nil, nil, err
		}
		all = append(all, rows...)
		if len(rows) == 0 || len(all) >= total || len(all) >= web.ExportFetch {
			break
		}
	}
	seen := map[int]bool{}
	var years []int
	year, _ := strconv.Atoi(v.Get("year"))
	q := strings.ToLower(strings.TrimSpace(l.Q))
	out := all[:0]
	for _, c := range all {
		if !seen[c.Year] {
			seen[c.Year] = true
			years = append(years, c.Year)
		}
		if (year != 0 && c.Year != year) || (q != "" && !strings.Contains(strings.ToLower(c.Name+" "+c.OwnerName), q)) {
			continue
		}
		out = append(out, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	key, desc := strings.TrimPrefix(l.Sort, "-"), strings.HasPrefix(l.Sort, "-")
	less := map[string]func(a, b evaluation.Campaign) bool{
		"name":   func(a, b evaluation.Campaign) bool { return a.Name < b.Name },
		"year":   func(a, b evaluation.Campaign) bool { return a.Year < b.Year },
		"type":   func(a, b evaluation.Campaign) bool { return a.Type < b.Type },
		"owner":  func(a, b evaluation.Campaign) bool { return a.OwnerName < b.OwnerName },
		"opens":  func(a, b evaluation.Campaign) bool { return a.OpensAt.Before(b.OpensAt) },
		"status": func(a, b evaluation.Campaign) bool { return statusOrder(a.Status) < statusOrder(b.Status) },
	}[key]
	if less != nil {
		sort.SliceStable(out, func(i, j int) bool {
			if desc {
				return less(out[j], out[i])
			}
			return less(out[i], out[j])
		})
	}
	return out, years, nil
}

func statusOrder(s string) int {
	for i, k := range evaStatuses {
		if k == s {
			return i
		}
	}
	return len(evaStatuses)
}

// EvalList lists the campaigns of the actor's scope: searchable by name,
// filtered by year and status, sorted by header, paged and exported.
func (h *Pages) EvalList(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.evaPage(r, h.T(lang, "eva.list_title"))
	l := web.ListFrom(r, "")
	rows, years, err := h.evaCampaigns(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = len(rows)
	end := min(l.Offset()+l.Per, len(rows))
	if l.Offset() < len(rows) {
		rows = rows[l.Offset():end]
	} else {
		rows = nil
	}
	v := &evaList{Rows: rows, List: l, CanNew: web.Actor(r).CanAnywhere(evaluation.EvaluationManage), Years: years, Types: evaTypes(lang)}
	v.Filtered = l.Q != "" || r.URL.Query().Get("year") != "" || r.URL.Query().Get("status") != ""
	p.Form = r.URL.Query()
	p.Data = v
	h.render(w, r, http.StatusOK, "eval_admin_list", "layout", p)
}

// EvalListExport exports the campaign list with the page's filters.
func (h *Pages) EvalListExport(w http.ResponseWriter, r *http.Request) {
	l := web.ListFrom(r, "")
	rows, _, err := h.evaCampaigns(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	h.evaListXLSX(w, r, rows)
}

// evaForm is the create form's choice lists.
type evaForm struct {
	// Types are the types a user picks beside the template; the types that
	// have a template of their own follow it instead (see evaOwnTemplate).
	Types     []evaluation.CampaignType
	Templates []evaTemplateOpt
}

// evaTemplateOpt is a template as the form offers it, with the type it
// gives the campaign.
type evaTemplateOpt struct {
	Key, Label, Type string
}

// evaOwnTemplate returns the template that a campaign type is bound to:
// a 述职评议考核 is run with the village template and a 千企议科长 with its
// own, so that the type named on every list matches the rules. Other types
// may use either.
func evaOwnTemplate(typ string) string {
	for _, t := range evaluation.Templates() {
		if t.Type == typ {
			return t.Key
		}
	}
	return ""
}

// evaNewPage is the create form; the owner select is filled in only when
// the form is shown (ownerPick), not when a post succeeds.
func (h *Pages) evaNewPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.evaPage(r, h.T(lang, "eva.new_title"), web.Crumb{Label: h.T(lang, "eva.new_title")})
	v := &evaForm{}
	for _, t := range evaluation.CampaignTypes {
		if evaOwnTemplate(t.Key) == "" {
			v.Types = append(v.Types, t)
		}
	}
	for _, t := range evaluation.Templates() {
		v.Templates = append(v.Templates, evaTemplateOpt{Key: t.Key, Label: t.In(lang), Type: evaTypeLabel(t.Type, lang)})
	}
	p.Data = v
	return p
}

// ownerPick declares the form's owner picker.
func (h *Pages) ownerPick(r *http.Request, p *web.Page, posted string) {
	p.Picker("owner_org_id", web.PickFilter{})
}

// EvalNewForm shows the form that creates a campaign, with the year, the
// owner (the scope's root) and a four-week window filled in.
func (h *Pages) EvalNewForm(w http.ResponseWriter, r *http.Request) {
	if err := h.eval.CheckManageAnywhere(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.evaNewPage(r)
	h.ownerPick(r, p, "")
	now := h.Now().In(org.Shanghai)
	p.Form.Set("year", strconv.Itoa(now.Year()))
	p.Form.Set("template", evaluation.Templates()[0].Key)
	start := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, org.Shanghai)
	p.Form.Set("opens_at", start.Format(dtLocal))
	p.Form.Set("closes_at", start.AddDate(0, 0, 28).Add(8*time.Hour).Format(dtLocal))
	if roots := h.evaScopeRoots(r.Context(), web.Actor(r)); len(roots) > 0 {
		p.Form.Set("owner_org_id", strconv.FormatInt(roots[0].ID, 10))
	}
	h.render(w, r, http.StatusOK, "eval_admin_new", "layout", p)
}

// dtLocal is the value format of <input type="datetime-local">.
const dtLocal = "2006-01-02T15:04"

// timeField reads a datetime-local value as Beijing time; a value that is
// not a time is recorded in bad.
func timeField(v, field string, bad map[string]bool) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	for _, layout := range []string{dtLocal, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, org.Shanghai); err == nil {
			return t
		}
	}
	bad[field] = true
	return time.Time{}
}

// evaFieldError shows the form again with each problem at its field, as
// the coverage forms do.
func (h *Pages) evaFormError(w http.ResponseWriter, r *http.Request, p *web.Page, page string, err error, extra map[string]string) {
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
		h.Fail(w, r, err)
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	for k, m := range extra {
		p.Errors[k] = m
	}
	p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
	if len(p.Errors) > 1 {
		p.Flash.Text = web.Msg(p.Lang, "表单中有 "+strconv.Itoa(len(p.Errors))+" 处需要修改，请看各字段下的提示", strconv.Itoa(len(p.Errors))+" fields need fixing: see the notes below each")
	} else {
		for _, m := range p.Errors {
			p.Flash.Text = m
		}
	}
	h.render(w, r, web.Status(e.Kind), page, "layout", p)
}

// EvalNew creates a draft campaign from the chosen template's rules. The
// owner comes from the select, or from the number field beside it when
// that is filled; the type follows the template unless one of the types
// without a template of its own was chosen. The owner is checked before
// the rest of the form: a role that may manage campaigns nowhere gets the
// forbidden page, and an owner it may not use is named at its field, with
// no word on the other fields.
func (h *Pages) EvalNew(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	if err := h.eval.CheckManageAnywhere(actor); err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	p := h.evaNewPage(r)
	p.Form = f
	if err := h.ResolveOrg(r.Context(), actor, f, "owner_org_id", web.PickFilter{}); err != nil {
		h.ownerPick(r, p, "")
		p.Errors = errs.FieldMessages(err, p.Lang)
		h.render(w, r, web.Status(errs.As(err).Kind), "eval_admin_new", "layout", p)
		return
	}
	owner := f.Get("owner_org_id")
	if id, err := strconv.ParseInt(strings.TrimSpace(owner), 10, 64); err == nil && id > 0 {
		if _, err := h.eval.CheckOwner(r.Context(), actor, id); err != nil {
			// An owner outside the scope can only have come from the number
			// field or a stale form: say so at the field, with the status
			// of the refusal.
			e := errs.As(err)
			if e.Kind != errs.NotFound && e.Kind != errs.Forbidden {
				h.Fail(w, r, err)
				return
			}
			h.ownerPick(r, p, owner)
			p.Errors = map[string]string{"owner_org_id": e.Message(p.Lang)}
			p.Flash = &web.Flash{Kind: "err", Text: e.Message(p.Lang)}
			h.render(w, r, web.Status(e.Kind), "eval_admin_new", "layout", p)
			return
		}
	}
	bad := map[string]bool{}
	in := evaluation.CampaignInput{Name: f.Get("name"), Type: strings.TrimSpace(f.Get("type")),
		Year:       web.IntField(f.Get("year"), "year", bad),
		OwnerOrgID: web.IDField(owner, "owner_org_id", bad),
		OpensAt:    timeField(f.Get("opens_at"), "opens_at", bad),
		ClosesAt:   timeField(f.Get("closes_at"), "closes_at", bad)}
	extra := map[string]string{}
	badMsg := map[string][2]string{
		"year":         {"年度应为四位数字，如 2026", "enter the year as four digits, e.g. 2026"},
		"owner_org_id": {"党组织编号应为数字，可在党组织详情页查看", "the organization number is a number shown on the organization's page"},
		"opens_at":     {"开始时间格式应为 2026-11-26 09:00", "enter the opening time as 2026-11-26 09:00"},
		"closes_at":    {"结束时间格式应为 2026-12-20 17:00", "enter the closing time as 2026-12-20 17:00"},
	}
	for k := range bad {
		extra[k] = web.Msg(p.Lang, badMsg[k][0], badMsg[k][1])
	}
	tpl := f.Get("template")
	found := false
	for _, t := range evaluation.Templates() {
		if t.Key == tpl {
			in.Rules, found = t.Rules(), true
			if in.Type == "" {
				in.Type = t.Type
			}
		}
	}
	if !found {
		extra["template"] = web.Msg(p.Lang, "请选择规则模板", "choose a rules template")
	} else if own := evaOwnTemplate(in.Type); own != "" && own != tpl {
		ownT, _ := evaluation.TemplateByKey(own)
		tl, ol := evaTypeLabel(in.Type, p.Lang), ownT.In(p.Lang)
		extra["template"] = web.Msg(p.Lang, "“"+tl+"”须使用“"+ol+"”规则模板；要用其他模板，请将测评类型改为“自定义”",
			"a campaign of the type \""+tl+"\" uses the template \""+ol+"\"; for another template, set the type to \"Custom\"")
	}
	var fs errs.Fields
	if in.OwnerOrgID == 0 {
		fs.Add("owner_org_id", "请选择组织测评的党组织", "choose the organization that runs the campaign")
	}
	c, err := evaluation.Campaign{}, fs.Err()
	if err == nil && len(extra) == 0 {
		c, err = h.eval.CreateCampaign(r.Context(), actor, in)
		if err != nil {
			// The owner may have been dissolved or moved since it was
			// checked above: say so at the field.
			if k := errs.KindOf(err); k == errs.NotFound || k == errs.Forbidden {
				e := errs.As(err)
				err = errs.Field("owner_org_id", e.ZH, e.EN)
			}
		}
	} else if err == nil {
		err = errs.New(errs.Invalid, "表单中有需要修改的地方", "the form needs fixing")
	}
	if err != nil {
		h.ownerPick(r, p, owner)
		h.evaFormError(w, r, p, "eval_admin_new", err, extra)
		return
	}
	h.Redirect(w, r, evaHref(c.ID, ""), "ok", web.Msg(p.Lang, "已创建测评“"+c.Name+"”，请添加测评对象并发放测评码", "Created the campaign "+c.Name+": add its subjects and issue ballot codes"))
}

// campaignOwner returns the campaign's owner organization and whether the
// actor may manage the campaign.
func (h *Pages) campaignOwner(ctx context.Context, actor access.Actor, c evaluation.Campaign) (org.Org, bool) {
	o, err := h.Orgs.Get(ctx, actor, c.OwnerOrgID)
	if err != nil {
		return org.Org{}, false
	}
	return o, actor.Can(evaluation.EvaluationManage, o.Path)
}
