package programs

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// fsShowView is a term's page.
type fsShowView struct {
	F                    programs.FirstSec
	StateLabel           string
	StateClass           string
	EndLabel             string
	Logs                 programs.FirstSecLogList
	List                 *web.List
	Month                string
	Chart                template.JS
	CanLog, Open, CanEnd bool
	CanKeep              bool // the actor dispatches and ends the organization's terms
	Reviews              []fsReviewRow
	Over                 int // days since the end of a term over and not recorded
	EndKinds             []org.Choice
	Today                string
	LastDay              string // the latest date an entry may have
}

// fsReviewRow is a review as the term's page shows it.
type fsReviewRow struct {
	programs.FirstSecReview
	Total string
}

// fsShowPage loads a term with a page of its log (?month=, ?page=).
func (h *Pages) fsShowPage(w http.ResponseWriter, r *http.Request) (*web.Page, *fsShowView, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	p := h.Page(r, "fsec", "")
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	f, err := h.pg.FirstSecTerm(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	l := web.ListFrom(r, "")
	l.Per = 20
	month := r.URL.Query().Get("month")
	logs, err := h.pg.FirstSecLogs(ctx, actor, id, programs.FirstSecLogQuery{Month: month, Limit: l.Per, Offset: l.Offset()})
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	l.Total = logs.Total
	today := h.pg.Today().Format("2006-01-02")
	v := &fsShowView{F: f, Logs: logs, List: l, Month: month, CanLog: programs.CanLogFirstSec(actor, f), CanEnd: programs.CanKeepFirstSec(actor, f) && f.EndedOn == "",
		EndKinds: programs.FirstSecEndKinds, Today: today, LastDay: min(today, f.EndsOn)}
	if f.EndedOn != "" {
		v.LastDay = min(today, f.EndedOn)
	}
	v.Open = v.CanLog && f.Active()
	v.CanKeep, v.Over = programs.CanKeepFirstSec(actor, f), -f.DaysLeft
	for _, rv := range f.Reviews {
		row := fsReviewRow{FirstSecReview: rv, Total: "—"}
		if rv.Total != nil {
			row.Total = strconv.FormatFloat(*rv.Total, 'f', 2, 64)
		}
		v.Reviews = append(v.Reviews, row)
	}
	v.StateLabel, v.StateClass = fsState(f, p.Lang)
	v.EndLabel = org.LabelOf(programs.FirstSecEndKinds, f.EndKind, p.Lang)
	chart := web.Chart{Type: "bar", Title: h.T(p.Lang, "fs.months"), Unit: web.Msg(p.Lang, "天", "days")}
	for i := len(logs.Months) - 1; i >= 0; i-- {
		m := logs.Months[i]
		chart.Items = append(chart.Items, web.ChartItem{Name: m.Month, Value: m.Days, Href: fsHref(f.ID) + "?month=" + m.Month + "#log"})
	}
	if len(chart.Items) > 0 {
		v.Chart = web.ChartJSON(chart)
		p.Charts = true
	}
	p.Title = f.PersonName + " · " + f.OrgName
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "fs.title"), Href: "/first-secretaries"}, {Label: p.Title}}
	p.Data = v
	return p, v, true
}

// fsDefaults are what the forms of a term's page start with.
func (v *fsShowView) fsDefaults() url.Values {
	return url.Values{"logged_on": {v.LastDay}, "ended_on": {min(v.Today, v.F.EndsOn)}}
}

// FirstSecShow shows a term: the first secretary and the village, the
// state of the term, its reviews, the log days by month and a page of the
// log, with the forms that write an entry and end the term for those who
// may.
func (h *Pages) FirstSecShow(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.fsShowPage(w, r)
	if !ok {
		return
	}
	p.Form = v.fsDefaults()
	h.render(w, r, http.StatusOK, "fsec_show", "layout", p)
}

// FirstSecLogAdd writes a log entry with its photos; a refused one shows
// the page again with the message at its field and the text kept.
func (h *Pages) FirstSecLogAdd(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.fsShowPage(w, r)
	if !ok {
		return
	}
	form, files, err := readUpload(w, r)
	p.Form = v.fsDefaults()
	for k, vs := range form {
		p.Form[k] = vs
	}
	if err == nil {
		_, err = h.pg.AddFirstSecLog(r.Context(), web.Actor(r), v.F.ID, programs.FirstSecLogInput{LoggedOn: form.Get("logged_on"), Text: form.Get("text"), Files: files})
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound {
			h.Redirect(w, r, fsHref(v.F.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		h.FormError(w, r, h.tmpl, p, "fsec_show", err)
		return
	}
	h.Redirect(w, r, fsHref(v.F.ID)+"#log", "ok", fmt.Sprintf(h.T(p.Lang, "fs.log_saved"), form.Get("logged_on")))
}

// FirstSecEnd ends a term; a refused end shows the page again with the
// message at its field.
func (h *Pages) FirstSecEnd(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.fsShowPage(w, r)
	if !ok || !h.ParseForm(w, r) {
		return
	}
	p.Form = v.fsDefaults()
	for k, vs := range r.PostForm {
		p.Form[k] = vs
	}
	f := p.Form
	t, err := h.pg.EndFirstSec(r.Context(), web.Actor(r), v.F.ID, programs.FirstSecEndInput{Kind: f.Get("kind"), EndedOn: f.Get("ended_on"), Reason: f.Get("reason")})
	if err != nil {
		if errs.KindOf(err) == errs.Forbidden {
			h.Redirect(w, r, fsHref(v.F.ID), "err", web.ErrMessage(err, p.Lang))
			return
		}
		h.FormError(w, r, h.tmpl, p, "fsec_show", err)
		return
	}
	h.Redirect(w, r, fsHref(t.ID), "ok", fmt.Sprintf(h.T(p.Lang, "fs.ended_saved"), t.PersonName, org.LabelOf(programs.FirstSecEndKinds, t.EndKind, p.Lang)))
}

// FirstSecPhoto sends a photo of the log to a reader of the term: an image
// shown in the page, whose type the server set from its bytes and which
// browsers may not sniff into something else.
func (h *Pages) FirstSecPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	pid, err := web.PathID(r, "pid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	ph, err := h.pg.FirstSecPhotoFile(r.Context(), web.Actor(r), id, pid)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", ph.MIME)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Disposition", xlsx.Disposition("inline", ph.Name, "photo"+venueExt(ph.MIME)))
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Content-Length", strconv.Itoa(len(ph.Data)))
	hd.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(ph.Data) // a client that went away has nothing to be told
}
