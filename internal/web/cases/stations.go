package cases

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The integrity workstations' pages (廉洁工作站): the stations of the
// actor's scope, searchable and exported; the form that registers one;
// a station with its activities, the form that records an activity and the
// one that edits the station; and the A4 poster hung at the station, whose
// QR code opens the residents' report form for it.

// stationRoutes are the workstations' pages. Reading follows the domain
// (the stations of the organizations the actor reads); registering,
// editing and recording activities need StationsManage there.
func (h *Pages) stationRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/stations", module.Web, h.StationList),
		module.R("GET", "/stations/export.xlsx", module.Web, h.StationExport),
		module.R("GET", "/stations/new", module.Web, h.StationNewForm),
		module.R("POST", "/stations/new", module.Web, h.StationNew),
		module.R("GET", "/stations/{id}", module.Web, h.StationShow),
		module.R("POST", "/stations/{id}", module.Web, h.StationEdit),
		module.R("POST", "/stations/{id}/activities", module.Web, h.StationActivity),
		module.R("GET", "/stations/{id}/poster", module.Web, h.StationPoster),
	}
}

// errStationsManage refuses the forms to an account that keeps no
// workstation anywhere; its words are the matrix's for a refusal.
var errStationsManage = errs.New(errs.Forbidden, "您没有管理廉洁工作站的权限", "you may not manage integrity workstations")

// errNoStation answers a station outside the reader's scope as one that
// does not exist, so that ids outside reveal nothing.
var errNoStation = errs.New(errs.NotFound, "没有这个廉洁工作站，或它不在您的管理范围内", "no such integrity workstation, or it is outside your scope")

// stationListView is the list page.
type stationListView struct {
	Rows []cases.Station
	List *web.List
	// The figures of the whole scope, whatever the search.
	Stations, Activities, Idle int
	CanManage                  bool
}

// stationRows reads the stations of the actor's scope, all of them and
// those the list's search keeps, in the list's order.
func (h *Pages) stationRows(r *http.Request, l *web.List) (all, rows []cases.Station, err error) {
	all, err = h.cs.Stations(r.Context(), web.Actor(r))
	if err != nil {
		return nil, nil, err
	}
	q := strings.ToLower(strings.TrimSpace(l.Q))
	for _, st := range all {
		if q == "" || strings.Contains(strings.ToLower(strings.Join([]string{st.Name, st.OrgName, st.Address, st.Staff, st.Hours, st.Phone}, "\n")), q) {
			rows = append(rows, st)
		}
	}
	sortStations(rows, l.Sort)
	return all, rows, nil
}

// sortStations orders the rows by a list's sort key: the organization
// (the tree's order, as the domain reads them), the name in pinyin order or
// the number of activities, "-" before the key for descending.
func sortStations(rows []cases.Station, key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	var cmpf func(a, b cases.Station) int
	switch key {
	case "name":
		c := collate.New(language.SimplifiedChinese)
		cmpf = func(a, b cases.Station) int { return c.CompareString(a.Name, b.Name) }
	case "activities":
		cmpf = func(a, b cases.Station) int { return cmp.Compare(a.Activities, b.Activities) }
	default:
		if !desc {
			return
		}
		slices.Reverse(rows)
		return
	}
	slices.SortStableFunc(rows, func(a, b cases.Station) int {
		if desc {
			return cmpf(b, a)
		}
		return cmpf(a, b)
	})
}

// StationList lists the workstations of the actor's scope with their
// organization, address, hours, phone and number of activities,
// searchable (?q=), sortable and paged, with the figures of the scope.
func (h *Pages) StationList(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "stations", h.T(lang, "cst.title"))
	l := web.ListFrom(r, "")
	all, rows, err := h.stationRows(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &stationListView{List: l, Stations: len(all), CanManage: actor.CanAnywhere(cases.StationsManage)}
	for _, st := range all {
		v.Activities += st.Activities
		if st.Activities == 0 {
			v.Idle++
		}
	}
	l.Total = len(rows)
	if off := l.Offset(); off < len(rows) {
		v.Rows = rows[off:min(off+l.Per, len(rows))]
	}
	p.Form = r.URL.Query()
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_stations", "layout", p)
}

// StationExport exports the list with its search and order.
func (h *Pages) StationExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	lang := i18n.FromRequest(r)
	l := web.ListFrom(r, "")
	_, rows, err := h.stationRows(r, l)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	list := i18n.Text{ZH: "廉洁工作站", EN: "integrity workstations"}
	header := []string{"序号", "所属组织", "工作站名称", "地址", "工作人员", "开放时间", "联系电话", "活动次数"}
	if lang == i18n.EN {
		header = []string{"No.", "Organization", "Workstation", "Address", "Staff", "Opening hours", "Phone", "Activities"}
	}
	scope := web.ScopeName(actor, access.OrgRead)
	s := xlsx.Sheet{Title: strings.TrimSpace(scope + " " + list.In(lang)), Exporter: actor.Username, Time: h.Now(), Header: header,
		Widths: []float64{6, 24, 24, 30, 24, 22, 16, 10}, Kinds: []xlsx.Kind{xlsx.Integer, 4: xlsx.Wrap, 7: xlsx.Integer}}
	filters := web.Bilingual(func(lang string) string {
		if q := strings.TrimSpace(l.Q); q != "" {
			return web.Msg(lang, "筛选：关键词="+q, "Filters: search="+q)
		}
		return ""
	})
	h.SendXLSX(w, r, scope, list, filters, s, func(yield func([]any) bool) {
		for i, st := range rows {
			if !yield([]any{i + 1, st.OrgName, st.Name, st.Address, st.Staff, st.Hours, st.Phone, st.Activities}) {
				return
			}
		}
	})
}

// stationPick is the organization picker of the registration form: the
// subtree where the actor keeps workstations when it is one, else the
// actor's scope (the domain refuses an organization outside the first).
func stationPick(actor access.Actor) web.PickFilter {
	var f web.PickFilter
	if roots := actor.Scopes(cases.StationsManage); len(roots) == 1 {
		if ids := org.PathIDs(roots[0]); len(ids) > 0 {
			f.Under = ids[len(ids)-1]
		}
	}
	return f
}

func (h *Pages) stationNewPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "stations", h.T(lang, "cst.new"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "cst.title"), Href: "/stations"}, {Label: p.Title}}
	p.Picker("org_id", stationPick(web.Actor(r)))
	return p
}

// StationNewForm shows the form that registers a workstation, at ?org=
// when it comes from an organization.
func (h *Pages) StationNewForm(w http.ResponseWriter, r *http.Request) {
	if !web.Actor(r).CanAnywhere(cases.StationsManage) {
		h.Fail(w, r, errStationsManage)
		return
	}
	p := h.stationNewPage(r)
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org")}}
	h.render(w, r, http.StatusOK, "cases_stations_form", "layout", p)
}

// StationNew registers the workstation; on error the form shows again as
// typed, each message at its field. An organization has one workstation:
// one that has it already is refused here rather than silently edited.
func (h *Pages) StationNew(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	if !actor.CanAnywhere(cases.StationsManage) {
		h.Fail(w, r, errStationsManage)
		return
	}
	p := h.stationNewPage(r)
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	f := r.PostForm
	if err := h.ResolveOrg(ctx, actor, f, "org_id", stationPick(actor)); err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_stations_form", err)
		return
	}
	bad := map[string]bool{}
	orgID := web.IDField(f.Get("org_id"), "org_id", bad)
	if bad["org_id"] {
		orgID = 0
	}
	in := cases.StationInput{OrgID: orgID, Name: f.Get("name"), Address: f.Get("address"), Staff: f.Get("staff"), Hours: f.Get("hours"), Phone: f.Get("phone")}
	if orgID > 0 {
		orgErr, err := h.stationOrgProblem(r, orgID)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		if orgErr != nil {
			// The organization's problem and the fields' at once: the
			// domain checks the fields first, and with no organization it
			// stops there, writing nothing.
			problems := errs.Fields{orgErr}
			in.OrgID = 0
			if _, err := h.cs.SaveStation(ctx, actor, in); errs.KindOf(err) == errs.Invalid {
				e := errs.As(err)
				for _, d := range append(e.Details, e) {
					if d.Field != "" && d.Field != "org_id" && !slices.ContainsFunc(problems, func(p *errs.Error) bool { return p.Field == d.Field }) {
						problems = append(problems, d)
					}
				}
			}
			h.FormError(w, r, h.tmpl, p, "cases_stations_form", problems.Err())
			return
		}
	}
	st, err := h.cs.SaveStation(ctx, actor, in)
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_stations_form", err)
		return
	}
	h.Redirect(w, r, stationHref(st.ID), "ok", web.Msg(p.Lang, "已登记廉洁工作站“"+st.Name+"”", "Registered the workstation "+st.Name))
}

// stationOrgProblem says what keeps a station from being registered at
// the organization: outside the actor's scope it does not exist, inside it
// the actor may not keep stations there, or it has one already (the
// domain would edit that one). It is checked before the fields, so that an
// organization outside the actor's reach is told as such whatever else was
// typed; nil when there is nothing.
func (h *Pages) stationOrgProblem(r *http.Request, orgID int64) (*errs.Error, error) {
	ctx, actor := r.Context(), web.Actor(r)
	o, err := h.Orgs.Check(ctx, actor, orgID, cases.StationsManage)
	switch {
	case err == nil:
	case errs.KindOf(err) == errs.NotFound:
		e := errs.As(err)
		return errs.Field("org_id", e.ZH, e.EN), nil
	case errs.KindOf(err) == errs.Forbidden:
		// Check names no organization it refuses; the actor reads this one.
		if o, err = h.Orgs.Get(ctx, actor, orgID); err != nil {
			return nil, err
		}
		return errs.Field("org_id", "您没有在“"+o.Label()+"”登记廉洁工作站的权限，请选择您负责的组织",
			"you may not register a workstation at "+o.Label()+": choose an organization you are responsible for"), nil
	default:
		return nil, err
	}
	all, err := h.cs.Stations(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, st := range all {
		if st.OrgID == o.ID {
			return errs.Field("org_id",
				fmt.Sprintf("“%s”已有廉洁工作站“%s”（一个组织只设一个），请到该工作站的页面修改", o.Label(), st.Name),
				fmt.Sprintf("%s has the workstation %q already (one per organization): edit it on its page", o.Label(), st.Name)), nil
		}
	}
	return nil, nil
}

func stationHref(id int64) string { return "/stations/" + strconv.FormatInt(id, 10) }

// stationView is a station's page.
type stationView struct {
	S            cases.Station
	Org          org.Org
	Acts         []cases.Activity
	Participants int
	CanManage    bool
	ReportURL    string
	Today        string
	// EditOpen unfolds the edit form when it is shown again with errors.
	EditOpen bool
}

// station loads the station of the path for the actor: not found outside
// the organizations it reads; forbidden without need there, unless need
// is only reading.
func (h *Pages) station(r *http.Request, need access.Action) (cases.Station, org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		return cases.Station{}, org.Org{}, err
	}
	// A station that does not exist and one outside the actor's scope get
	// the same answer, so that ids reveal nothing.
	st, err := h.cs.PublicStation(ctx, id)
	if errs.KindOf(err) == errs.NotFound {
		return cases.Station{}, org.Org{}, errNoStation
	}
	if err != nil {
		return cases.Station{}, org.Org{}, err
	}
	o, err := h.Orgs.Get(ctx, actor, st.OrgID)
	if errs.KindOf(err) == errs.NotFound {
		return cases.Station{}, org.Org{}, errNoStation
	}
	if err != nil {
		return cases.Station{}, org.Org{}, err
	}
	if need != access.OrgRead && !actor.Can(need, o.Path) {
		return cases.Station{}, org.Org{}, errs.New(errs.Forbidden, "您没有管理该廉洁工作站的权限", "you may not manage this integrity workstation")
	}
	return st, o, nil
}

// loadStation fills the page of a station; need is what the request asks
// for (reading, or keeping the station).
func (h *Pages) loadStation(w http.ResponseWriter, r *http.Request, p *web.Page, need access.Action) (*stationView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	st, o, err := h.station(r, need)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v := &stationView{S: st, Org: o, CanManage: actor.Can(cases.StationsManage, o.Path), Today: bj(h.Now()).Format("2006-01-02")}
	if v.Acts, err = h.cs.Activities(ctx, actor, st.ID); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	for _, a := range v.Acts {
		v.Participants += a.Participants
	}
	base, _ := h.publicBase(r)
	v.ReportURL = reportURL(base, st.ID)
	p.Title = st.Name
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "cst.title"), Href: "/stations"}, {Label: st.Name}}
	p.Form = stationForm(st)
	p.Form.Set("held_on", v.Today)
	p.Data = v
	return v, true
}

// stationForm is the edit form of a station as stored.
func stationForm(st cases.Station) url.Values {
	return url.Values{"name": {st.Name}, "address": {st.Address}, "staff": {st.Staff}, "hours": {st.Hours}, "phone": {st.Phone},
		"version": {strconv.Itoa(st.Version)}}
}

// StationShow shows a station: its facts, the address residents report
// at, its activities and, to those who keep it, the activity and edit
// forms.
func (h *Pages) StationShow(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "stations", "")
	if _, ok := h.loadStation(w, r, p, access.OrgRead); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "cases_stations_show", "layout", p)
}

// StationEdit saves the edit form, refused when the station changed since
// the form was loaded: the form then shows what is stored beside what was
// typed.
func (h *Pages) StationEdit(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "stations", "")
	v, ok := h.loadStation(w, r, p, cases.StationsManage)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	for _, k := range []string{"name", "address", "staff", "hours", "phone", "version"} {
		p.Form[k] = r.PostForm[k]
	}
	in := cases.StationInput{OrgID: v.S.OrgID, Name: p.Form.Get("name"), Address: p.Form.Get("address"), Staff: p.Form.Get("staff"),
		Hours: p.Form.Get("hours"), Phone: p.Form.Get("phone")}
	if ver := web.FormVersion(r.PostForm); ver != nil {
		in.Version = *ver
	}
	st, err := h.cs.SaveStation(ctx, actor, in)
	v.EditOpen = true
	if errs.IsStale(err) {
		if cur, gerr := h.cs.PublicStation(ctx, v.S.ID); gerr == nil {
			v.S = cur
			h.StaleForm(w, r, h.tmpl, p, "cases_stations_show", stationForm(cur), []web.StoredField{
				{Name: "name", Label: "cst.name"}, {Name: "address", Label: "cst.address"}, {Name: "staff", Label: "cst.staff"},
				{Name: "hours", Label: "cst.hours"}, {Name: "phone", Label: "cst.phone"}})
			return
		}
	}
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_stations_show", err)
		return
	}
	h.Redirect(w, r, stationHref(st.ID), "ok", web.Msg(p.Lang, "已保存廉洁工作站“"+st.Name+"”", "Saved the workstation "+st.Name))
}

// StationActivity records an activity of the station; on error the page
// shows again with the activity as typed.
func (h *Pages) StationActivity(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "stations", "")
	v, ok := h.loadStation(w, r, p, cases.StationsManage)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	for _, k := range []string{"held_on", "title", "participants", "materials"} {
		p.Form[k] = r.PostForm[k]
	}
	bad := map[string]bool{}
	a, err := h.cs.AddActivity(ctx, actor, cases.Activity{StationID: v.S.ID, HeldOn: p.Form.Get("held_on"), Title: p.Form.Get("title"),
		Participants: web.IntField(p.Form.Get("participants"), "participants", bad), Materials: p.Form.Get("materials")})
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_stations_show", err)
		return
	}
	h.Redirect(w, r, stationHref(v.S.ID)+"#activities", "ok", web.Msg(p.Lang, "已登记活动“"+a.Title+"”（"+a.HeldOn+"）", "Recorded the activity "+a.Title+" ("+a.HeldOn+")"))
}

// posterView is the printable poster of a station.
type posterView struct {
	S   cases.Station
	Org org.Org
	URL string
	QR  template.URL
	// Guessed: no public address is configured, so the QR code holds the
	// address this page was opened at, which residents may not reach.
	Guessed bool
}

// StationPoster shows the A4 poster of a station: its name, address,
// hours and phone, and a large QR code of the report form for the
// station, with what residents may report there and that their identity
// is sealed.
func (h *Pages) StationPoster(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	st, o, err := h.station(r, access.OrgRead)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	base, configured := h.publicBase(r)
	v := &posterView{S: st, Org: o, URL: reportURL(base, st.ID), Guessed: !configured}
	if v.QR, err = stationQR(v.URL); err != nil {
		h.Fail(w, r, errs.Wrap(err, "poster"))
		return
	}
	p := h.Page(r, "stations", st.Name+" · "+h.T(lang, "cst.poster"))
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_stations_poster", "bare", p)
}

// publicBase is the address residents reach the server by: the configured
// public address, else the one this request came to (module.Core's rule),
// with whether it was configured.
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

// reportURL is the public report form opened for a station.
func reportURL(base string, id int64) string {
	return base + "/report?station=" + strconv.FormatInt(id, 10)
}

// stationQR encodes text as a QR code and returns it as an SVG data URI
// for an <img>. Level Q (25 % recovery) because a poster on a wall gets
// dirty and torn (see web.QRSVG).
func stationQR(text string) (template.URL, error) {
	return web.QRSVG(text, web.QRQuartile)
}

// stationMessages is the catalogue of the workstations' pages.
var stationMessages = i18n.Catalog{
	"cst.title":           {ZH: "廉洁工作站", EN: "Integrity workstations"},
	"cst.new":             {ZH: "登记工作站", EN: "Register a workstation"},
	"cst.org":             {ZH: "所属组织", EN: "Organization"},
	"cst.org_hint":        {ZH: "工作站所在的党组织；每个组织只设一个工作站，反映该组织以下问题的廉洁监督件由它受理", EN: "The organization the workstation belongs to; one per organization. Integrity reports about the organizations below it come to it."},
	"cst.name":            {ZH: "工作站名称", EN: "Name"},
	"cst.name_hint":       {ZH: "2 至 50 字，如“民生街道廉洁工作站”", EN: "2 to 50 characters"},
	"cst.address":         {ZH: "地址", EN: "Address"},
	"cst.address_hint":    {ZH: "居民找得到的门牌地址，如“民生路 88 号党群服务中心二楼”", EN: "A street address residents can find"},
	"cst.staff":           {ZH: "工作人员", EN: "Staff"},
	"cst.staff_hint":      {ZH: "姓名与职务，多人用顿号隔开", EN: "Names and posts, separated by commas"},
	"cst.hours":           {ZH: "开放时间", EN: "Opening hours"},
	"cst.hours_hint":      {ZH: "如“工作日 9:00–12:00，14:30–17:30”", EN: "For example: working days 9:00–12:00, 14:30–17:30"},
	"cst.phone":           {ZH: "联系电话", EN: "Phone"},
	"cst.phone_hint":      {ZH: "11 位手机号或带区号的固定电话，如 0771-5551234；印在海报上", EN: "An 11-digit mobile or a landline with its area code; printed on the poster"},
	"cst.activities":      {ZH: "活动次数", EN: "Activities"},
	"cst.kpi_stations":    {ZH: "工作站", EN: "Workstations"},
	"cst.kpi_activities":  {ZH: "累计活动", EN: "Activities held"},
	"cst.kpi_idle":        {ZH: "尚无活动的工作站", EN: "Without any activity"},
	"cst.search":          {ZH: "名称、组织或地址", EN: "Name, organization or address"},
	"cst.clear":           {ZH: "清除搜索", EN: "Clear the search"},
	"cst.empty":           {ZH: "尚无廉洁工作站。登记后可打印带二维码的海报，居民扫码即可反映问题。", EN: "No integrity workstation yet. Once one is registered, print its poster: residents scan its QR code to report."},
	"cst.empty_read":      {ZH: "您的管理范围内尚无廉洁工作站。", EN: "There is no integrity workstation in your scope yet."},
	"cst.poster":          {ZH: "海报", EN: "Poster"},
	"cst.poster_print":    {ZH: "打印海报", EN: "Print the poster"},
	"cst.back":            {ZH: "返回工作站", EN: "Back to the workstation"},
	"cst.back_list":       {ZH: "返回列表", EN: "Back to the list"},
	"cst.register":        {ZH: "登记", EN: "Register"},
	"cst.register_note":   {ZH: "登记后可在工作站页面记录活动、打印海报", EN: "Then record its activities and print its poster on its page"},
	"cst.facts":           {ZH: "基本信息", EN: "Details"},
	"cst.report_url":      {ZH: "居民反映入口", EN: "Residents' report form"},
	"cst.report_url_hint": {ZH: "海报上的二维码即此地址；居民无需登录，身份信息加密保存", EN: "The poster's QR code holds this address; residents need no account and their identity is sealed"},
	"cst.edit":            {ZH: "修改工作站信息", EN: "Edit the workstation"},
	"cst.acts":            {ZH: "廉洁活动记录", EN: "Integrity activities"},
	"cst.acts_sum":        {ZH: "共 %s 次活动，参加 %s 人次", EN: "%s activities, %s participants in all"},
	"cst.acts_none":       {ZH: "尚无活动记录。", EN: "No activity recorded yet."},
	"cst.acts_none_hint":  {ZH: "在下方登记廉洁教育、政策宣讲、接访等活动。", EN: "Record talks, policy sessions and open days below."},
	"cst.held_on":         {ZH: "活动日期", EN: "Date"},
	"cst.act_title":       {ZH: "活动名称", EN: "Title"},
	"cst.act_title_hint":  {ZH: "2 至 100 字，如“廉洁家风主题宣讲”", EN: "2 to 100 characters"},
	"cst.participants":    {ZH: "参加人数", EN: "Participants"},
	"cst.materials":       {ZH: "活动材料", EN: "Materials"},
	"cst.materials_hint":  {ZH: "签到表、照片、讲稿等材料的存放位置或简要说明，最多 2000 字", EN: "Where the sign-in sheet, photos and notes are kept, or a short account; up to 2,000 characters"},
	"cst.act_add":         {ZH: "登记活动", EN: "Record an activity"},
	"cst.act_save":        {ZH: "登记活动", EN: "Record"},
	"cst.version_note":    {ZH: "保存时若他人已修改，将提示并保留您填写的内容", EN: "If someone else saved in between, you are told and what you typed is kept"},
	"cst.read_only":       {ZH: "您可以查看该工作站；登记活动和修改信息由所属组织的组织部门或廉洁工作站专员办理。", EN: "You may read this workstation; its organization department or integrity officer records activities and edits it."},
	"cst.poster_head":     {ZH: "廉洁工作站", EN: "Integrity workstation"},
	"cst.poster_scan":     {ZH: "扫码反映问题", EN: "Scan to report"},
	"cst.poster_kinds":    {ZH: "廉洁监督 · 矛盾调解 · 服务诉求 · 意见建议", EN: "Integrity · Disputes · Services · Suggestions"},
	"cst.poster_private":  {ZH: "您的身份信息加密保存，办理人员无法查看", EN: "Your identity is encrypted: those who handle your report cannot see it"},
	"cst.poster_or":       {ZH: "或在浏览器中打开", EN: "Or open in a browser"},
	"cst.poster_by":       {ZH: "设立单位", EN: "Set up by"},
	"cst.poster_guess":    {ZH: "服务未设置公开网址（jiceng serve --public-url），二维码使用的是您当前访问的地址 %s。请确认居民的手机能打开该地址后再打印。", EN: "No public address is set (jiceng serve --public-url): the QR code holds the address you opened this page at, %s. Check that residents' phones can open it before printing."},
	"cst.poster_tip":      {ZH: "打印时选择 A4 纸、纵向、无页眉页脚。", EN: "Print on A4, portrait, without headers and footers."},
	"cst.qr_alt":          {ZH: "反映问题二维码：%s", EN: "QR code of the report form: %s"},
}
