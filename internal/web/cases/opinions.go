package cases

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// The opinions' monthly report (反馈者): what the residents of a township
// or a county said about policy in a month, by topic, with representative
// quotes and how far each was handled — on screen, printed on A4 as a
// report to carry upward, and in Excel. From a topic, a handler answers
// several opinions with one reply, which each reporter reads on their
// follow-up page as the answer to their own case.

// opinionRoutes are the report's pages.
func (h *Pages) opinionRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/cases/opinions", module.Web, h.OpinionReport),
		module.R("GET", "/cases/opinions/export.xlsx", module.Web, h.OpinionExport),
		module.R("GET", "/cases/opinions/topic", module.Web, h.OpinionTopic),
		module.R("POST", "/cases/opinions/answer", module.Web, h.OpinionAnswer),
	}
}

// opinionTopicRow is a topic of the report as the page shows it.
type opinionTopicRow struct {
	cases.OpinionTopic
	Label string
	Href  string // the topic's opinions, to read all or answer together
}

// opinionView is the report page.
type opinionView struct {
	Org       org.Org
	Month     string // 2026-10
	MonthText string // 2026年10月
	PrevMonth string
	NextMonth string // "" when the month is the current one or later
	Report    cases.OpinionReport
	Topics    []opinionTopicRow
	Answered  int
	Open      int
	Overdue   int
	Change    string // +3, -2, 0
	Chart     template.JS
	ExportURL string
}

// opinionMonthText writes a month "2026-10" as 2026年10月 or October 2026.
func opinionMonthText(lang, month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	if lang == i18n.EN {
		return t.Format("January 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// opinionOrg is the organization of ?org= (chosen or typed into the
// picker), else the first of the actor's roots where they read cases.
func (h *Pages) opinionOrg(r *http.Request, p *web.Page) (org.Org, error) {
	if !web.Actor(r).CanAnywhere(cases.CasesRead) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
	}
	o, err := h.staffScopeOrg(r, p)
	if err != nil || o.ID != 0 {
		return o, err
	}
	if o, err = h.opinionRoot(r); err == nil && p != nil {
		p.Form.Set("org", strconv.FormatInt(o.ID, 10))
	}
	return o, err
}

// opinionRoot is the first of the actor's roots where they read cases.
func (h *Pages) opinionRoot(r *http.Request) (org.Org, error) {
	ctx, actor := r.Context(), web.Actor(r)
	roots, err := h.Orgs.Roots(ctx, actor)
	if err != nil {
		return org.Org{}, err
	}
	for _, o := range roots {
		if actor.Can(cases.CasesRead, o.Path) {
			return o, nil
		}
	}
	return org.Org{}, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
}

// opinionMonthOf is ?month=, the month before the current one (in Beijing)
// when none is given.
func (h *Pages) opinionMonthOf(r *http.Request) string {
	if m := strings.TrimSpace(r.URL.Query().Get("month")); m != "" {
		return m
	}
	now := bj(h.Now())
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, beijing).AddDate(0, -1, 0).Format("2006-01")
}

// opinionHref is path with the organization and the month, and kv.
func opinionHref(path string, orgID int64, month string, kv ...string) string {
	v := url.Values{"org": {strconv.FormatInt(orgID, 10)}, "month": {month}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return path + "?" + v.Encode()
}

// OpinionReport shows the month's report of an organization's subtree
// (?org=, ?month=2026-10, the month before by default): totals and the
// change from the month before, each topic's counts, a chart by topic and
// each topic's representative quotes, each linking to its case. It prints
// as a report on A4 with the organization, the month and the lines to sign.
func (h *Pages) OpinionReport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "opinions", h.T(lang, "cop.title"))
	o, err := h.opinionOrg(r, p)
	if err != nil {
		if errs.As(err).Field == "org" {
			p.Data = &opinionView{Month: h.opinionMonthOf(r)}
			h.render(w, r, http.StatusBadRequest, "cases_opinions", "layout", h.opinionPicker(p))
			return
		}
		h.Fail(w, r, err)
		return
	}
	month := h.opinionMonthOf(r)
	p.Form.Set("month", month)
	v := &opinionView{Org: o, Month: month}
	status := http.StatusOK
	rep, err := h.cs.OpinionReportOf(ctx, actor, o.ID, month)
	if e := errs.As(err); err != nil && e.Field == "month" {
		p.Errors["month"] = e.Message(lang)
		status = http.StatusBadRequest
	} else if err != nil {
		h.Fail(w, r, err)
		return
	} else {
		h.opinionFill(lang, v, rep)
	}
	p.ScopeName = o.Label()
	if v.MonthText != "" {
		p.ScopeName += "　" + fmt.Sprintf(h.T(lang, "cop.period"), v.MonthText)
	}
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.cases"), Href: "/cases"}, {Label: p.Title}}
	p.Charts = len(v.Topics) > 0
	p.Data = v
	h.render(w, r, status, "cases_opinions", "layout", h.opinionPicker(p))
}

// opinionPicker declares the page's organization picker, limited to what
// the actor reads.
func (h *Pages) opinionPicker(p *web.Page) *web.Page {
	p.Picker("org", web.PickFilter{})
	return p
}

// opinionFill puts a report into the page's view.
func (h *Pages) opinionFill(lang string, v *opinionView, rep cases.OpinionReport) {
	v.Report, v.Month = rep, rep.Month
	v.MonthText = opinionMonthText(lang, rep.Month)
	start, _ := time.Parse("2006-01", rep.Month)
	v.PrevMonth = start.AddDate(0, -1, 0).Format("2006-01")
	now := bj(h.Now())
	if next := start.AddDate(0, 1, 0); !next.After(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)) {
		v.NextMonth = next.Format("2006-01")
	}
	switch d := rep.Total - rep.Previous; {
	case d > 0:
		v.Change = "+" + web.FormatInt(d)
	case d < 0:
		v.Change = "−" + web.FormatInt(-d)
	default:
		v.Change = "0"
	}
	chart := web.Chart{Type: "bar", Title: fmt.Sprintf(h.T(lang, "cop.chart"), v.MonthText), Unit: h.T(lang, "cop.unit"), Items: []web.ChartItem{}}
	for _, t := range rep.Topics {
		row := opinionTopicRow{OpinionTopic: t, Label: org.LabelOf(cases.Topics, t.Topic, lang),
			Href: opinionHref("/cases/opinions/topic", rep.OrgID, rep.Month, "topic", t.Topic)}
		v.Topics = append(v.Topics, row)
		v.Answered += t.Answered
		v.Open += t.Open
		v.Overdue += t.Overdue
		chart.Items = append(chart.Items, web.ChartItem{Name: row.Label, Value: t.Count, Href: row.Href})
	}
	v.Chart = web.ChartJSON(chart)
	v.ExportURL = opinionHref("/cases/opinions/export.xlsx", rep.OrgID, rep.Month)
}

// OpinionExport exports the month's report: a sheet of the topics with
// their counts and a sheet of the quotes with their cases, places and
// states. What residents wrote is text in both, never a formula.
func (h *Pages) OpinionExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	o, err := h.opinionOrg(r, nil)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	rep, err := h.cs.OpinionReportOf(ctx, actor, o.ID, h.opinionMonthOf(r))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	monthText := web.Bilingual(func(lang string) string { return opinionMonthText(lang, rep.Month) })
	list := i18n.Text{ZH: "群众意见建议月报" + monthText.ZH, EN: "residents' opinions " + monthText.EN}
	filters := web.Bilingual(func(lang string) string {
		return web.Msg(lang, "报告期：", "Month: ") + monthText.In(lang) + web.Msg(lang, "；上月合计 ", "; the month before: ") + web.FormatInt(rep.Previous)
	})
	title := o.Label() + " " + list.In(lang)
	topics := xlsx.Sheet{Title: title, Exporter: actor.Username, Time: h.Now(), Name: web.Msg(lang, "分领域统计", "Topics"),
		Header: []string{"序号", "政策领域", "件数", "已答复", "未办结", "其中超期", "答复率"},
		Widths: []float64{6, 22, 10, 10, 10, 10, 10}, Kinds: []xlsx.Kind{xlsx.Integer, xlsx.General, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Integer, xlsx.Percent1}}
	quotes := xlsx.Sheet{Title: title, Exporter: actor.Username, Time: h.Now(), Name: web.Msg(lang, "代表性意见", "Quotes"), EN: lang == i18n.EN,
		Header: []string{"序号", "政策领域", "案件编号", "地点", "意见建议", "状态"},
		Widths: []float64{6, 16, 10, 20, 60, 10}, Kinds: []xlsx.Kind{xlsx.Integer, xlsx.General, xlsx.Integer, xlsx.General, xlsx.Wrap}}
	if lang == i18n.EN {
		topics.Header = []string{"No.", "Policy area", "Opinions", "Answered", "Open", "Overdue", "Answered share"}
		quotes.Header = []string{"No.", "Policy area", "Case", "Place", "Opinion", "State"}
	}
	quotes.Filters = filters.In(lang)
	var qrows [][]any
	for _, t := range rep.Topics {
		for _, q := range t.Quotes {
			qrows = append(qrows, []any{len(qrows) + 1, org.LabelOf(cases.Topics, t.Topic, lang), q.CaseID, q.Place, q.Text, org.LabelOf(cases.States, q.State, lang)})
		}
	}
	var second bytes.Buffer
	if err := xlsx.Write(&second, quotes, slices.Values(qrows)); err != nil {
		h.Fail(w, r, errs.Wrap(err, "opinion export"))
		return
	}
	bw := &bookWriter{ResponseWriter: w, status: http.StatusOK}
	h.SendExport(bw, r, web.ExportFile{Scope: o.Label(), List: list, Filters: filters, Sheet: topics, Total: len(rep.Topics),
		Rows: func(yield func([]any) bool) error {
			for i, t := range rep.Topics {
				share := any(nil)
				if t.Count > 0 {
					share = float64(t.Answered) / float64(t.Count)
				}
				if !yield([]any{i + 1, org.LabelOf(cases.Topics, t.Topic, lang), t.Count, t.Answered, t.Open, t.Overdue, share}) {
					return nil
				}
			}
			var sum cases.OpinionTopic
			for _, t := range rep.Topics {
				sum.Answered, sum.Open, sum.Overdue = sum.Answered+t.Answered, sum.Open+t.Open, sum.Overdue+t.Overdue
			}
			share := any(nil)
			if rep.Total > 0 {
				share = float64(sum.Answered) / float64(rep.Total)
			}
			yield([]any{nil, web.Msg(lang, "合计", "Total"), rep.Total, sum.Answered, sum.Open, sum.Overdue, share})
			return nil
		}})
	if !bw.book() {
		bw.flush()
		return
	}
	out, err := appendSheet(bw.buf.Bytes(), second.Bytes())
	if err != nil {
		// The export is already in the audit log; the client gets the
		// topics alone rather than nothing.
		h.Logger.Error("opinion export", "err", err)
		out = bw.buf.Bytes()
	}
	w.WriteHeader(bw.status)
	w.Write(out)
}

// bookWriter holds what SendExport answers, so that a finished workbook
// can get a second sheet before it is sent; headers go straight through.
type bookWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (b *bookWriter) WriteHeader(status int)      { b.status = status }
func (b *bookWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }

// book reports whether the answer held is a workbook.
func (b *bookWriter) book() bool {
	return b.status == http.StatusOK && strings.HasPrefix(b.Header().Get("Content-Type"), "application/vnd.openxmlformats")
}

// flush sends the answer held as it is (an error page).
func (b *bookWriter) flush() {
	b.ResponseWriter.WriteHeader(b.status)
	b.ResponseWriter.Write(b.buf.Bytes())
}

// appendSheet adds the first sheet of the workbook second to the workbook
// book, as xlsx.Write laid it out: values (already neutralised there),
// styles, merged title, column widths, frozen header, filter and page setup.
func appendSheet(book, second []byte) ([]byte, error) {
	dst, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	src, err := excelize.OpenReader(bytes.NewReader(second))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	name := src.GetSheetName(0)
	if _, err := dst.NewSheet(name); err != nil {
		return nil, err
	}
	rows, err := src.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	styles := map[int]int{}
	style := func(id int) (int, error) {
		if n, ok := styles[id]; ok {
			return n, nil
		}
		s, err := src.GetStyle(id)
		if err != nil {
			return 0, err
		}
		n, err := dst.NewStyle(s)
		styles[id] = n
		return n, err
	}
	ncols := 0
	for r, row := range rows {
		ncols = max(ncols, len(row))
		for c := range row {
			axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, err := src.GetCellType(name, axis)
			if err != nil {
				return nil, err
			}
			raw, _ := src.GetCellValue(name, axis, excelize.Options{RawCellValue: true})
			var val any = raw
			if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && raw != "" {
				if n, err := strconv.ParseFloat(raw, 64); err == nil {
					val = n
				}
			}
			if raw != "" {
				if err := dst.SetCellValue(name, axis, val); err != nil {
					return nil, err
				}
			}
			if id, err := src.GetCellStyle(name, axis); err == nil && id != 0 {
				n, err := style(id)
				if err != nil {
					return nil, err
				}
				if err := dst.SetCellStyle(name, axis, axis, n); err != nil {
					return nil, err
				}
			}
		}
		if h, err := src.GetRowHeight(name, r+1); err == nil && r == 0 {
			if err := dst.SetRowHeight(name, r+1, h); err != nil {
				return nil, err
			}
		}
	}
	for c := 1; c <= ncols; c++ {
		col, _ := excelize.ColumnNumberToName(c)
		if wd, err := src.GetColWidth(name, col); err == nil {
			if err := dst.SetColWidth(name, col, col, wd); err != nil {
				return nil, err
			}
		}
	}
	merged, err := src.GetMergeCells(name)
	if err != nil {
		return nil, err
	}
	for _, m := range merged {
		if err := dst.MergeCell(name, m.GetStartAxis(), m.GetEndAxis()); err != nil {
			return nil, err
		}
	}
	if panes, err := src.GetPanes(name); err == nil && panes.Freeze {
		if err := dst.SetPanes(name, &panes); err != nil {
			return nil, err
		}
	}
	if ncols > 0 && len(rows) >= 4 {
		last, _ := excelize.CoordinatesToCellName(ncols, len(rows))
		if err := dst.AutoFilter(name, "A4:"+last, nil); err != nil {
			return nil, err
		}
	}
	if props, err := src.GetSheetProps(name); err == nil {
		if err := dst.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: props.FitToPage}); err != nil {
			return nil, err
		}
	}
	if pl, err := src.GetPageLayout(name); err == nil {
		if err := dst.SetPageLayout(name, &pl); err != nil {
			return nil, err
		}
	}
	if pm, err := src.GetPageMargins(name); err == nil {
		if err := dst.SetPageMargins(name, &pm); err != nil {
			return nil, err
		}
	}
	if hf, err := src.GetHeaderFooter(name); err == nil {
		if err := dst.SetHeaderFooter(name, hf); err != nil {
			return nil, err
		}
	}
	if err := dst.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$4", name), Scope: name}); err != nil {
		return nil, err
	}
	dst.SetActiveSheet(0)
	var out bytes.Buffer
	if err := dst.Write(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// opinionTopicView is the page of one topic's opinions of a month.
type opinionTopicView struct {
	Org        org.Org
	Month      string
	MonthText  string
	Topic      string
	TopicLabel string
	Rows       []cases.OpinionCase
	Answerable int
	CanAnswer  bool
	BackURL    string
	// Done and Refused are what an answer to many did.
	Done    []int64
	Refused []opinionRefused
}

// opinionRefused is a case an answer to many left as it was, and why.
type opinionRefused struct {
	CaseID int64
	Reason string
}

// OpinionTopic lists every opinion of a topic in the month (?org=,
// ?month=, ?topic=), each linking to its case; a handler may select those
// being handled and answer them together.
func (h *Pages) OpinionTopic(w http.ResponseWriter, r *http.Request) {
	p, _, ok := h.opinionTopicPage(w, r, r.URL.Query())
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "cases_opinions_topic", "layout", p)
}

// opinionTopicPage builds the topic page from q (the query, or the posted
// answer form); on a failure it has answered with the error page.
func (h *Pages) opinionTopicPage(w http.ResponseWriter, r *http.Request, q url.Values) (*web.Page, *opinionTopicView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	p := h.Page(r, "opinions", h.T(lang, "cop.topic_title"))
	o, err := h.opinionTopicOrg(r, q.Get("org"))
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	month, topic := q.Get("month"), q.Get("topic")
	if month == "" {
		month = h.opinionMonthOf(r)
	}
	rows, err := h.cs.OpinionsOf(ctx, actor, o.ID, month, topic)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	v := &opinionTopicView{Org: o, Month: month, MonthText: opinionMonthText(lang, month), Topic: topic, TopicLabel: org.LabelOf(cases.Topics, topic, lang),
		Rows: rows, CanAnswer: actor.CanAnywhere(cases.CasesHandle), BackURL: opinionHref("/cases/opinions", o.ID, month)}
	for _, c := range rows {
		if c.Answerable {
			v.Answerable++
		}
	}
	p.Title = v.TopicLabel + " · " + v.MonthText
	p.ScopeName = o.Label()
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.cases"), Href: "/cases"}, {Label: h.T(lang, "cop.title"), Href: v.BackURL}, {Label: p.Title}}
	p.Form = url.Values{"text": {q.Get("text")}}
	p.Data = v
	return p, v, true
}

// opinionTopicOrg is the organization of a topic's page: the one whose id
// is given, else the actor's first root where they read cases.
func (h *Pages) opinionTopicOrg(r *http.Request, id string) (org.Org, error) {
	if !web.Actor(r).CanAnywhere(cases.CasesRead) {
		return org.Org{}, errs.New(errs.Forbidden, "您没有查看群众诉求的权限", "you may not read residents' cases")
	}
	if id == "" {
		return h.opinionRoot(r)
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return org.Org{}, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", id)
	}
	return h.Orgs.Get(r.Context(), web.Actor(r), n)
}

// OpinionAnswer gives one answer to the opinions selected on a topic's
// page (id, several; text): each is answered through the workflow as if
// answered on its own page, and the page says which were answered and why
// the others were not.
func (h *Pages) OpinionAnswer(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	var ids []int64
	for _, s := range r.PostForm["id"] {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	// The page the answer returns to is checked first: a stale or foreign
	// form (an organization out of scope, a wrong month or topic) answers
	// nothing, instead of answering and then failing to show it.
	if _, _, ok := h.opinionTopicPage(w, r, r.PostForm); !ok {
		return
	}
	res, err := h.cs.AnswerOpinions(ctx, actor, ids, r.PostForm.Get("text"))
	if err != nil && (errs.As(err).Kind != errs.Invalid || r.PostForm.Get("topic") == "") {
		h.Fail(w, r, err)
		return
	}
	p, v, ok := h.opinionTopicPage(w, r, r.PostForm)
	if !ok {
		return
	}
	if err != nil {
		p.Errors = errs.FieldMessages(err, lang)
		p.Flash = &web.Flash{Kind: "err", Text: errs.As(err).Message(lang)}
		h.render(w, r, http.StatusBadRequest, "cases_opinions_topic", "layout", p)
		return
	}
	for _, a := range res {
		if a.Err == nil {
			v.Done = append(v.Done, a.CaseID)
		} else {
			v.Refused = append(v.Refused, opinionRefused{CaseID: a.CaseID, Reason: web.ErrMessage(a.Err, lang)})
		}
	}
	kind := "ok"
	if len(v.Refused) > 0 {
		kind = "warn"
	}
	p.Flash = &web.Flash{Kind: kind, Text: fmt.Sprintf(h.T(lang, "cop.answered_n"), len(v.Done), len(v.Refused))}
	if len(v.Refused) == 0 {
		p.Form.Del("text")
	}
	h.render(w, r, http.StatusOK, "cases_opinions_topic", "layout", p)
}
