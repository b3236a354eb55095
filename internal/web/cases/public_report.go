package cases

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/cases"
	"jiceng/internal/codes"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/region"
	"jiceng/internal/web"
)

// The report form. One form, one column, posted as a whole: without
// JavaScript the place is chosen one level at a time with a select and a
// button that posts the form back to /report, which shows it again with
// the next level and everything typed kept (the buttons post url-encoded,
// so that files already chosen are not sent each time). With JavaScript,
// htmx swaps the part of the page that depends on the place instead of
// loading it again. The kind's own fields (the organization and cadre of
// an integrity report, the topic of an opinion) are always in the form;
// the stylesheet hides those of the other kinds once a kind is checked.

// pubReportFields are the fields of the form that the page keeps when it is
// shown again.
var pubReportFields = []string{"kind", "region_code", "station", "place", "subject_org_id", "subject_person_id", "subject_text", "topic", "body", "name", "phone", "email"}

// pubReceiptDigits is the length of a receipt before its check character
// (cases: 80 bits), for the saved step, which only echoes the receipt.
const pubReceiptDigits = 16

// pubKindCard is a kind of case as its radio card shows it.
type pubKindCard struct {
	Key, Label, Note string
	Checked          bool
}

// pubReportView is the report form's data.
type pubReportView struct {
	Kinds []pubKindCard
	// Station is the workstation whose poster the resident came from.
	Station *cases.Station
	// Notice says why a place or station of the address was not taken.
	Notice string
	// Path is the place chosen, from the top; Options the places one
	// level below it (or the tops, when nothing is chosen), of the kind
	// Level names ("乡镇（街道）").
	Path    []cases.Place
	Options []cases.Place
	Level   string
	// CanUp: a level above the place chosen may be chosen instead.
	CanUp bool
	// Orgs are the organizations at the place an integrity report may
	// concern, Cadres those of the organization picked.
	Orgs   []cases.Subject
	Cadres []cases.Cadre
	// FilesAgain: the form was posted with files, which a page shown
	// again cannot keep.
	FilesAgain bool
	// Limits for the hints.
	MaxFiles, MaxFileMB, MaxTotalMB, BodyMax int
	// Retention says how long after closure the contact details are
	// kept: one number of days, or the days of each kind when they differ.
	Retention string
}

// pubReportPage starts the report form's page.
func (h *Pages) pubReportPage(r *http.Request) *web.Page {
	return h.publicPage(r, "csp.report_title", "/report")
}

// ReportForm shows the empty form, with the place of a poster's QR code
// (?place=CODE) or a workstation's (?station=ID) chosen already.
func (h *Pages) ReportForm(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	q := r.URL.Query()
	p := h.pubReportPage(r)
	form := url.Values{}
	notice := ""
	if s := q.Get("station"); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		st, err := h.cs.PublicStation(r.Context(), id)
		switch {
		case err == nil:
			form.Set("station", strconv.FormatInt(st.ID, 10))
			form.Set("region_code", st.RegionCode)
			p.Path = "/report?station=" + strconv.FormatInt(st.ID, 10)
		case errs.Is(err, errs.NotFound):
			notice = h.T(p.Lang, "csp.station_unknown")
		default:
			h.publicFail(w, r, err)
			return
		}
	}
	if c := strings.TrimSpace(q.Get("place")); c != "" && form.Get("region_code") == "" {
		form.Set("region_code", c)
		p.Path = "/report?place=" + url.QueryEscape(c)
	}
	h.pubRenderReport(w, r, p, http.StatusOK, form, notice, false)
}

// ReportPost takes the posted form: a step of the place picker (op
// "place", "up" or "org"), which shows the form again, or the report
// itself, which is stored and answered with its receipt.
func (h *Pages) ReportPost(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	p := h.pubReportPage(r)
	in, readErr := pubRead(w, r)
	form := url.Values{}
	for _, k := range pubReportFields {
		if v, ok := in.form[k]; ok && len(v) > 0 {
			form.Set(k, v[0])
		}
	}
	if readErr != nil {
		h.pubReportError(w, r, p, form, in.chosen, readErr)
		return
	}
	switch in.form.Get("op") {
	case "place":
		if pick := in.form.Get("place_pick"); pick != "" {
			form.Set("region_code", pick)
			form.Del("subject_org_id")
			form.Del("subject_person_id")
		}
		h.pubRenderReport(w, r, p, http.StatusOK, form, "", in.chosen)
		return
	case "up":
		path, err := h.cs.PlacePath(r.Context(), form.Get("region_code"))
		if err != nil {
			h.publicFail(w, r, err)
			return
		}
		form.Del("region_code")
		if len(path) > 1 {
			form.Set("region_code", path[len(path)-2].Code)
		}
		form.Del("subject_org_id")
		form.Del("subject_person_id")
		h.pubRenderReport(w, r, p, http.StatusOK, form, "", in.chosen)
		return
	case "org":
		form.Del("subject_person_id")
		h.pubRenderReport(w, r, p, http.StatusOK, form, "", in.chosen)
		return
	}
	h.pubSubmit(w, r, p, form, in)
}

// pubSubmit stores the report of a posted form and shows its receipt; on a
// problem it shows the form again with each message at its field.
func (h *Pages) pubSubmit(w http.ResponseWriter, r *http.Request, p *web.Page, form url.Values, in pubPosted) {
	// A place picked in the select but not confirmed with its button is
	// the place meant: it is one level below the place chosen.
	if pick := in.form.Get("place_pick"); pick != "" {
		form.Set("region_code", pick)
	}
	if ok, wait := h.submits.Allow(web.ClientKey(r)); !ok {
		pubRetryAfter(w, wait)
		h.pubReportError(w, r, p, form, in.chosen, errs.TooManyWait("提交过于频繁", "too many submissions", wait))
		return
	}
	rep := cases.Report{
		Kind: form.Get("kind"), RegionCode: strings.TrimSpace(form.Get("region_code")), Place: form.Get("place"),
		SubjectOrgID: pubFormID(form, "subject_org_id"), SubjectPersonID: pubFormID(form, "subject_person_id"), SubjectText: form.Get("subject_text"),
		Topic: form.Get("topic"), Body: form.Get("body"), Name: form.Get("name"), Phone: form.Get("phone"), Email: form.Get("email"),
		Files: in.files,
	}
	rc, err := h.cs.Submit(r.Context(), rep)
	if err != nil {
		h.pubReportError(w, r, p, form, in.chosen, err)
		return
	}
	h.pubRenderReceipt(w, r, http.StatusOK, rc.Code, form.Get("kind"), "")
}

// pubFormID reads an id picked from a select; anything else is 0, none.
func pubFormID(f url.Values, name string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// pubReportError shows the form again after a refused submission: each
// message at its field, the count of them above the form, what was typed
// kept, and a note at the attachments that files must be chosen again.
func (h *Pages) pubReportError(w http.ResponseWriter, r *http.Request, p *web.Page, form url.Values, chosen bool, err error) {
	e := errs.As(err)
	switch e.Kind {
	case errs.Invalid, errs.TooLarge, errs.Conflict, errs.TooMany:
	default:
		h.publicFail(w, r, err)
		return
	}
	p.Errors = errs.FieldMessages(err, p.Lang)
	if e.Field != "" && form.Get("region_code") == "" && p.Errors["region_code"] == "" {
		// The domain checks the place after the text; the form says
		// everything that is missing at once.
		p.Errors["region_code"] = web.Msg(p.Lang, "请选择所在地点（区县、乡镇街道、村社区）", "choose the place (county, township, village or community)")
	}
	text := e.Message(p.Lang)
	if n := len(p.Errors); n > 1 {
		text = web.Msg(p.Lang, "表单中有 "+strconv.Itoa(n)+" 处需要修改，请看各栏下的提示", strconv.Itoa(n)+" fields need fixing: see the notes below each")
	}
	p.Flash = &web.Flash{Kind: "err", Text: text}
	h.pubRenderReport(w, r, p, web.Status(e.Kind), form, "", chosen)
}

// pubRenderReport shows the form with the values of form.
func (h *Pages) pubRenderReport(w http.ResponseWriter, r *http.Request, p *web.Page, status int, form url.Values, notice string, filesAgain bool) {
	v, err := h.pubReportData(r.Context(), p.Lang, form)
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	if notice != "" {
		v.Notice = notice
	}
	v.FilesAgain = filesAgain
	p.Form = form
	p.Data = v
	h.render(w, r, status, "cases_public_report", "bare", p)
}

// pubRetention is the sentence of the form on how long contact details
// are kept. The kind is chosen on the same page and may change after it
// is shown, so when the kinds' days differ it lists each of them.
func (h *Pages) pubRetention(lang string) string {
	first := h.cs.RetentionDays(cases.Kinds[0].Key)
	var zh, en []string
	same := true
	for _, k := range cases.Kinds {
		n := h.cs.RetentionDays(k.Key)
		same = same && n == first
		zh = append(zh, k.ZH+" "+strconv.Itoa(n)+" 天")
		en = append(en, k.EN+": "+strconv.Itoa(n)+" days")
	}
	if same {
		return fmt.Sprintf(h.T(lang, "csp.identity_notice"), first)
	}
	return web.Msg(lang, "留下手机号或电子邮箱，可以收到受理、答复的通知（通知不含反映内容）。案件办结后，这些信息按类别保存一定天数后自动删除："+strings.Join(zh, "，")+"。",
		"Leave a mobile number or an e-mail address to be told when your case is accepted and answered (the notices do not contain your report). They are deleted once the case has been closed for the days of its kind: "+strings.Join(en, "; ")+".")
}

// pubReportData builds the form's choices for the values of form: the place
// chosen (the only top one when there is one), the places below it, the
// organizations at it and the cadres of the one picked. A place or a
// station the installation does not serve is dropped with a notice.
func (h *Pages) pubReportData(ctx context.Context, lang string, form url.Values) (*pubReportView, error) {
	v := &pubReportView{MaxFiles: cases.MaxAttachments, MaxFileMB: cases.MaxAttachmentBytes >> 20, MaxTotalMB: cases.MaxAttachmentsBytes >> 20, BodyMax: 5000,
		Retention: h.pubRetention(lang)}
	for _, k := range cases.Kinds {
		v.Kinds = append(v.Kinds, pubKindCard{Key: k.Key, Label: k.In(lang), Note: h.T(lang, "csp.kind_note_"+k.Key), Checked: form.Get("kind") == k.Key})
	}
	if sid := pubFormID(form, "station"); sid > 0 {
		st, err := h.cs.PublicStation(ctx, sid)
		switch {
		case err == nil:
			v.Station = &st
		case errs.Is(err, errs.NotFound):
			form.Del("station")
		default:
			return nil, err
		}
	}
	roots, err := h.cs.PlaceRoots(ctx)
	if err != nil {
		return nil, err
	}
	code := strings.TrimSpace(form.Get("region_code"))
	if code != "" {
		if v.Path, err = h.cs.PlacePath(ctx, code); err != nil {
			return nil, err
		}
		if v.Path == nil {
			v.Notice = h.T(lang, "csp.place_unknown")
			code = ""
		}
	}
	// With one place at the top (the city of a city's installation), it
	// is chosen from the start: the resident picks below it.
	if code == "" && len(roots) == 1 {
		code, v.Path = roots[0].Code, roots[:1]
	}
	form.Set("region_code", code)
	if code == "" {
		form.Del("region_code")
		v.Options = roots
	} else if v.Path[len(v.Path)-1].HasBelow {
		if v.Options, err = h.cs.PlaceChildren(ctx, code); err != nil {
			return nil, err
		}
	}
	v.CanUp = len(v.Path) > 1 || (len(v.Path) == 1 && len(roots) > 1)
	if len(v.Options) > 0 {
		v.Level = h.T(lang, "csp.level_"+region.Level(v.Options[0].Level).Key())
	}
	if code != "" {
		// A place without an organization to report on offers none; the
		// resident types the name instead.
		v.Orgs, _ = h.cs.PlaceOrgs(ctx, code)
	}
	if oid := pubFormID(form, "subject_org_id"); oid > 0 {
		if !slices.ContainsFunc(v.Orgs, func(s cases.Subject) bool { return s.ID == oid }) {
			form.Del("subject_org_id")
			form.Del("subject_person_id")
		} else {
			v.Cadres, _ = h.cs.Cadres(ctx, oid)
		}
	}
	return v, nil
}

// pubReceiptView is the receipt page's data.
type pubReceiptView struct {
	Receipt string
	Groups  []string
	Kind    string
	// AcceptDays is how long acceptance takes, in working days.
	AcceptDays int
	// TrackURL is the follow-up page's full address, to write down, when
	// the installation's public address is known.
	TrackURL string
}

// pubRenderReceipt shows a receipt with the step that asks whether it was
// saved; errMsg, when set, is the message at the check box.
func (h *Pages) pubRenderReceipt(w http.ResponseWriter, r *http.Request, status int, receipt, kind, errMsg string) {
	p := h.publicPage(r, "csp.receipt_title", "/report")
	v := &pubReceiptView{Receipt: receipt, Groups: strings.Split(receipt, "-"), Kind: kind, AcceptDays: cases.AcceptDays}
	if h.PublicURL != "" {
		v.TrackURL = h.PublicURL + "/track"
	}
	if errMsg != "" {
		p.Errors["saved"] = errMsg
	}
	p.Data = v
	h.render(w, r, status, "cases_public_receipt", "bare", p)
}

// ReportSaved is the step after the receipt: checked, the resident is
// done; not checked, the receipt is shown again with the request to save
// it. The receipt only comes back to be shown again — it is not looked up,
// so the step tells nothing about any receipt.
func (h *Pages) ReportSaved(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if err := r.ParseForm(); err != nil {
		h.publicFail(w, r, pubErrBadForm)
		return
	}
	f := r.PostForm
	if f.Get("saved") != "" {
		p := h.publicPage(r, "csp.saved_title", "/report")
		h.render(w, r, http.StatusOK, "cases_public_saved", "bare", p)
		return
	}
	d, ok := codes.Parse(f.Get("receipt"), pubReceiptDigits)
	if !ok {
		h.publicFail(w, r, pubErrBadForm)
		return
	}
	lang := i18n.FromRequest(r)
	h.pubRenderReceipt(w, r, http.StatusUnprocessableEntity, codes.Format(d), f.Get("kind"),
		web.Msg(lang, "请先抄写或截图保存查询码，再勾选“我已保存查询码”", "write down or take a screenshot of the receipt code first, then tick \"I have saved the receipt code\""))
}
