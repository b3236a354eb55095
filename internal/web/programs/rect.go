package programs

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The pages of the rectification of weak organizations (软弱涣散, M4): the
// ledger with its figures and filters, the identification from the
// published evaluation results and the cases, a candidate named by hand, a
// case with its evidence and timeline and the form of its next step, the
// A4 poster of its public page, and that page.

// rectRoutes are the pages of the rectification of weak organizations.
func (h *Pages) rectRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/rectification", module.Web, h.RectList),
		module.R("GET", "/rectification/export.xlsx", module.Web, h.RectExport),
		module.R("POST", "/rectification/identify", module.Web, h.RectIdentify),
		module.R("GET", "/rectification/new", module.Web, h.RectNewForm),
		module.R("POST", "/rectification/new", module.Web, h.RectNew),
		module.R("GET", "/rectification/{id}", module.Web, h.RectShow),
		module.R("POST", "/rectification/{id}/decide", module.Web, h.RectStep("decide")),
		module.R("POST", "/rectification/{id}/plan", module.Web, h.RectStep("plan")),
		module.R("POST", "/rectification/{id}/progress", module.Web, h.RectStep("progress")),
		module.R("POST", "/rectification/{id}/accept", module.Web, h.RectStep("accept")),
		module.R("POST", "/rectification/{id}/close", module.Web, h.RectStep("close")),
		module.R("GET", "/rectification/{id}/files/{fid}", module.Web, h.RectFile),
		module.R("GET", "/rectification/{id}/poster", module.Web, h.RectPoster),
		module.R("GET", "/accountability/{id}", module.Public, h.RectPublic),
	}
}

func rectHref(id int64) string { return "/rectification/" + strconv.FormatInt(id, 10) }

// rectListView is the ledger.
type rectListView struct {
	Rows      []programs.Rect
	List      *web.List
	Under     org.Org
	Res       programs.RectList
	All       int
	Year      int
	Years     []int
	Filtered  bool
	CanManage bool
}

func (h *Pages) rectQuery(r *http.Request, p *web.Page, l *web.List) (programs.RectQuery, org.Org, error) {
	under, err := h.ctScope(r, p)
	v := r.URL.Query()
	return programs.RectQuery{Under: under.ID, Year: ctYear(v), State: v.Get("state"), Reason: v.Get("reason"), Flag: v.Get("flag"),
		Q: l.Q, Sort: l.Sort, Limit: l.Per, Offset: l.Offset()}, under, err
}

// RectList shows the ledger of the actor's scope, or of ?org=: the count
// of each state and flag, filters by year, state, kind and flag, search by
// name, sort, and the form that identifies this year's candidates.
func (h *Pages) RectList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "rect", h.T(lang, "rect.title"))
	l := web.ListFrom(r, "")
	q, under, err := h.rectQuery(r, p, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &rectListView{List: l, Under: under, Year: q.Year, Years: ctYears(h.pg.Today().Year())[:3], CanManage: actor.CanAnywhere(programs.ProgramsManage),
		Filtered: l.Q != "" || q.State != "" || q.Reason != "" || q.Flag != "" || q.Year != 0}
	if v.Res, err = h.pg.RectCases(ctx, actor, q); err != nil {
		h.Fail(w, r, err)
		return
	}
	v.Rows, l.Total = v.Res.Rects, v.Res.Total
	for _, n := range v.Res.States {
		v.All += n
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "rect.title"), Href: "/rectification"}}
	if under.ID != 0 {
		p.Crumbs = append(p.Crumbs, web.Crumb{Label: under.Label()})
	}
	if p.Form.Get("identify_year") == "" {
		p.Form.Set("identify_year", strconv.Itoa(h.pg.Today().Year()))
	}
	p.Picker("org", web.PickFilter{})
	p.Picker("identify_org", web.PickFilter{})
	p.Data = v
	h.render(w, r, http.StatusOK, "rect_list", "layout", p)
}

// RectExport exports the ledger with its filters.
func (h *Pages) RectExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	q, under, err := h.rectQuery(r, nil, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = web.ExportFetch, 0
	res, err := h.pg.RectCases(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "软弱涣散党组织整顿台账", EN: "rectification ledger"}
	header := []string{"序号", "党组织", "年度", "软弱涣散类型", "状态", "连续列入", "整顿措施", "包联领导", "第一书记", "整顿时限", "最近进展", "验收日期", "销号日期"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Year", "Weakness", "State", "Listed again", "Measures", "Leader", "First secretary", "Deadline", "Last report", "Accepted on", "Struck off on"}
	}
	scope := web.ExportScope(r, under, programs.ProgramsRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 26, 8, 16, 16, 10, 40, 20, 10, 12, 10, 12, 12}, Kinds: []xlsx.Kind{xlsx.Integer, 2: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		val := strings.TrimSpace(org.LabelOf(programs.RectStates, q.State, lang) + " " + org.LabelOf(programs.RectReasons, q.Reason, lang))
		return ctFilters(lang, under, l.Q, web.Msg(lang, "状态/类型", "state/kind"), val, q.Year)
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, c := range res.Rects {
			again := ""
			if c.Repeated {
				again = web.Msg(lang, "是", "yes")
			}
			if !yield([]any{i + 1, c.OrgName, c.Year, org.LabelOf(programs.RectReasons, c.Reason, lang), org.LabelOf(programs.RectStates, c.State, lang), again,
				c.Measures, c.Leader, c.FirstSecretary, c.Deadline, c.LastProgress, c.AcceptedOn, c.ClosedOn}) {
				return
			}
		}
	})
}

// RectIdentify names the candidates of a year in the subtree chosen (the
// actor's scope when one organization heads it) and goes back to the
// ledger of that year's candidates with what it found.
func (h *Pages) RectIdentify(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	f := r.PostForm
	if err := h.ResolveOrg(ctx, actor, f, "identify_org", web.PickFilter{}); err != nil {
		h.Redirect(w, r, "/rectification", "err", web.ErrMessage(err, lang))
		return
	}
	id := ctID(f.Get("identify_org"))
	if id == 0 {
		roots := actor.Scopes(programs.ProgramsManage)
		if len(roots) != 1 {
			h.Redirect(w, r, "/rectification", "err", web.Msg(lang, "请选择要研判的党组织（县、乡镇）", "choose the organization (county, township) to identify in"))
			return
		}
		ids := org.PathIDs(roots[0])
		id = ids[len(ids)-1]
	}
	year := ctInt(f.Get("identify_year"))
	res, err := h.pg.Identify(ctx, actor, id, year)
	if err != nil {
		h.Redirect(w, r, "/rectification", "err", web.ErrMessage(err, lang))
		return
	}
	h.Redirect(w, r, fmt.Sprintf("/rectification?year=%d&state=candidate", year), "ok", fmt.Sprintf(h.T(lang, "rect.identified"), year, res.Added, res.Updated))
}

func (h *Pages) rectFormPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "rect", h.T(lang, "rect.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "rect.title"), Href: "/rectification"}, {Label: p.Title}}
	p.Picker("org_id", web.PickFilter{})
	return p
}

// RectNewForm shows the form that names a candidate by the department's
// judgement, for ?org= when it comes from an organization's page.
func (h *Pages) RectNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有研判软弱涣散党组织的权限", "you may not name weak organizations"))
		return
	}
	p := h.rectFormPage(r)
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org")}, "year": {strconv.Itoa(h.pg.Today().Year())}}
	p.Data = map[string]any{"Years": ctYears(h.pg.Today().Year())[:3]}
	h.render(w, r, http.StatusOK, "rect_form", "layout", p)
}

// RectNew names the candidate; on error the form shows again as typed.
func (h *Pages) RectNew(w http.ResponseWriter, r *http.Request) {
	p := h.rectFormPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	p.Data = map[string]any{"Years": ctYears(h.pg.Today().Year())[:3]}
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(programs.ProgramsManage) {
		h.Fail(w, r, errs.New(errs.Forbidden, "您没有研判软弱涣散党组织的权限", "you may not name weak organizations"))
		return
	}
	if err := h.ResolveOrg(ctx, actor, p.Form, "org_id", web.PickFilter{}); err != nil {
		h.FormError(w, r, h.tmpl, p, "rect_form", err)
		return
	}
	f := p.Form
	c, err := h.pg.AddCandidate(ctx, actor, programs.CandidateInput{OrgID: ctID(f.Get("org_id")), Year: ctInt(f.Get("year")), Reason: f.Get("reason"), Note: f.Get("note")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "rect_form", err)
		return
	}
	h.Redirect(w, r, rectHref(c.ID), "ok", fmt.Sprintf(h.T(p.Lang, "rect.named"), c.OrgName, c.Year))
}

// rectView is a case's page: the case, the steps the actor may take on
// it now, the first secretaries a plan may name.
type rectView struct {
	C      programs.Rect
	Can    map[string]bool // decide, plan, progress, accept, close
	Any    bool
	Today  string
	Month  string
	FS     []people.Post
	Public string // the address of the public page, once listed
}

func (h *Pages) rectView(w http.ResponseWriter, r *http.Request, p *web.Page) (*rectView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	c, err := h.pg.Rect(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	today := h.pg.Today()
	v := &rectView{C: c, Today: today.Format("2006-01-02"), Month: today.Format("2006-01")}
	v.Can = map[string]bool{}
	for _, st := range []string{"decide", "plan", "progress", "accept", "close"} {
		v.Can[st] = h.pg.CanRect(ctx, actor, c, st)
		v.Any = v.Any || v.Can[st]
	}
	if v.Can["plan"] {
		// The register's first secretaries in post there; a reader of the
		// programmes who may not read the register names none.
		if v.FS, err = h.pg.FirstSecretaries(ctx, actor, c.OrgID); err != nil && errs.KindOf(err) != errs.Forbidden && errs.KindOf(err) != errs.NotFound {
			h.Fail(w, r, err)
			return nil, false
		}
	}
	if c.State != "candidate" && c.State != "dismissed" {
		base, _ := h.publicBase(r)
		v.Public = base + "/accountability/" + strconv.FormatInt(c.OrgID, 10)
	}
	p.Title = c.OrgName + " · " + strconv.Itoa(c.Year) + h.T(p.Lang, "rect.year_suffix")
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "rect.title"), Href: "/rectification"}, {Label: p.Title}}
	p.Data = v
	return v, true
}

// form is the defaults of the case's step form.
func (v *rectView) form() url.Values {
	f := url.Values{"on_date": {v.Today}, "month": {v.Month}, "reason": {v.C.Reason}}
	if v.C.State == "listed" || v.C.State == "rectifying" {
		f.Set("measures", v.C.Measures)
		f.Set("leader", v.C.Leader)
		f.Set("deadline", v.C.Deadline)
		f.Set("version", strconv.Itoa(v.C.Version))
		if v.C.FirstSecretaryID != nil {
			f.Set("first_secretary_id", strconv.FormatInt(*v.C.FirstSecretaryID, 10))
		}
	}
	return f
}

// RectShow shows a case: the organization, its evidence, the plan, the
// timeline with the attachments, and the form of the next step for an
// account that may take it.
func (h *Pages) RectShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "rect", "")
	v, ok := h.rectView(w, r, p)
	if !ok {
		return
	}
	p.Form = v.form()
	h.render(w, r, http.StatusOK, "rect_show", "layout", p)
}

// RectStep takes the step of the path; progress and acceptance carry
// files (multipart).
func (h *Pages) RectStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := h.Page(r, "rect", "")
		v, ok := h.rectView(w, r, p)
		if !ok {
			return
		}
		// The step's permission and the case's state come before the body:
		// an upload refused anyway is not read.
		if err := h.pg.RectStepAllowed(r.Context(), web.Actor(r), v.C, step); err != nil {
			h.Redirect(w, r, rectHref(v.C.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		form, files, ferr := readUpload(w, r)
		p.Form = v.form()
		for k, vs := range form {
			p.Form[k] = vs
		}
		if ferr != nil {
			h.FormError(w, r, h.tmpl, p, "rect_show", ferr)
			return
		}
		ctx, actor := r.Context(), web.Actor(r)
		f := p.Form
		id := v.C.ID
		var c programs.Rect
		var err error
		switch step {
		case "decide":
			c, err = h.pg.Decide(ctx, actor, id, programs.DecideInput{Decision: f.Get("decision"), Reason: f.Get("reason"), Note: f.Get("note"), OnDate: f.Get("on_date")})
		case "plan":
			ver := ctInt(f.Get("version"))
			c, err = h.pg.Plan(ctx, actor, id, programs.PlanInput{Measures: f.Get("measures"), Leader: f.Get("leader"), FirstSecretaryID: ctID(f.Get("first_secretary_id")),
				Deadline: f.Get("deadline"), Version: &ver})
		case "progress":
			c, err = h.pg.Progress(ctx, actor, id, programs.ProgressInput{Month: f.Get("month"), Text: f.Get("text"), Files: files})
		case "accept":
			c, err = h.pg.Accept(ctx, actor, id, programs.AcceptInput{Decision: f.Get("decision"), Conclusion: f.Get("conclusion"), OnDate: f.Get("on_date"), Files: files})
		default:
			c, err = h.pg.Close(ctx, actor, id, programs.CloseInput{OnDate: f.Get("on_date"), Note: f.Get("note")})
		}
		if err != nil {
			// A refusal for the account, or a case moved on meanwhile, is
			// said on the case page as it is now.
			if k := errs.KindOf(err); k == errs.Forbidden || k == errs.Conflict && errs.As(err).Field == "" {
				h.Redirect(w, r, rectHref(id), "err", web.ErrMessage(err, p.Lang))
				return
			}
			h.FormError(w, r, h.tmpl, p, "rect_show", err)
			return
		}
		h.Redirect(w, r, rectHref(c.ID), "ok", web.Msg(p.Lang, "已办理，当前状态："+org.LabelOf(programs.RectStates, c.State, i18n.ZH),
			"Done: the case is now "+strings.ToLower(org.LabelOf(programs.RectStates, c.State, i18n.EN))))
	}
}

// RectFile sends an attachment of a case.
func (h *Pages) RectFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	fid, err := web.PathID(r, "fid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	f, err := h.pg.RectFile(r.Context(), web.Actor(r), id, fid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sendFile(w, f.Name, f.MIME, f.Data)
}

// sendFile sends a stored attachment as a download, never shown in the
// page's origin: its type is the sniffed one, and no-sniff keeps it so.
func sendFile(w http.ResponseWriter, name, mime string, data []byte) {
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[mime]
	hd := w.Header()
	hd.Set("Content-Type", mime)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("attachment", name, "attachment"+ext))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data) // a client that went away has nothing to be told
}

// rectPosterView is the A4 poster of a case's public page.
type rectPosterView struct {
	C       programs.Rect
	URL     string
	QR      template.URL
	Guessed bool
}

// RectPoster shows the A4 poster hung at the organization: its name, that
// it is under rectification, and a large QR code of its public page.
func (h *Pages) RectPoster(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "rect", "")
	v, ok := h.rectView(w, r, p)
	if !ok {
		return
	}
	if v.Public == "" {
		h.Fail(w, r, errs.New(errs.Conflict, "该组织尚未列入整顿名单，没有公开页面", "the organization is not on the list: it has no public page"))
		return
	}
	base, configured := h.publicBase(r)
	pv := &rectPosterView{C: v.C, URL: base + "/accountability/" + strconv.FormatInt(v.C.OrgID, 10), Guessed: !configured}
	var err error
	if pv.QR, err = web.QRSVG(pv.URL, web.QRQuartile); err != nil {
		h.Fail(w, r, errs.Wrap(err, "poster"))
		return
	}
	p.Title = v.C.OrgName + " · " + h.T(p.Lang, "rect.poster")
	p.Data = pv
	h.render(w, r, http.StatusOK, "rect_poster", "bare", p)
}

// publicBase is the address residents reach the server by: the configured
// public address, else the one this request came to, with whether it was
// configured.
func (h *Pages) publicBase(r *http.Request) (string, bool) {
	if h.PublicURL != "" {
		return strings.TrimSuffix(h.PublicURL, "/"), true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host, false
}

// rectPublicView is the accountability page, or why there is none.
type rectPublicView struct {
	programs.PublicRect
	Message string
}

// RectPublic is an organization's accountability page, where its poster's
// QR code leads: whether and why it is under rectification, the measures,
// the deadline and the months it reported — no person, no evidence. An
// organization that is not on the list has no page (404).
func (h *Pages) RectPublic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	lang := i18n.FromRequest(r)
	p := h.Page(r, "", h.T(lang, "rect.public_title"))
	p.User, p.Flash = nil, nil
	id, err := web.PathID(r, "id")
	if err == nil {
		var pr programs.PublicRect
		if pr, err = h.pg.PublicRect(r.Context(), id); err == nil {
			p.Path = "/accountability/" + strconv.FormatInt(id, 10)
			p.Data = rectPublicView{PublicRect: pr}
			h.render(w, r, http.StatusOK, "rect_public", "bare", p)
			return
		}
	}
	e := errs.As(err)
	if e.Kind == errs.Internal {
		h.Logger.Error("accountability page", "path", r.URL.Path, "err", err)
	}
	p.Path = "/"
	p.Data = rectPublicView{Message: e.Message(lang)}
	h.render(w, r, web.Status(e.Kind), "rect_public", "bare", p)
}
