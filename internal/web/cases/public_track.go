package cases

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// The follow-up pages. The receipt is typed into /track and posted; the
// case page carries it in hidden fields of its own forms (download,
// addition, rating), never in an address. Every wrong receipt, on any of
// these pages, gets the one answer of the domain and counts against the
// client, as wrong ballot codes do; a valid receipt always passes, so that
// one person's typos behind a village's shared address lock out nobody
// else.

// pubReceiptKey is the client's key for wrong receipts, kept in memory
// only (as a hash) by the limiter.
func pubReceiptKey(r *http.Request) string { return "receipt:" + web.ClientKey(r) }

// pubWrongReceipt reports whether err is the domain's answer to a receipt
// that finds no case.
func pubWrongReceipt(err error) bool {
	e := errs.As(err)
	return e.Kind == errs.Invalid && e.Field == "receipt"
}

// pubFailReceipt records a wrong receipt. Once the client is over the limit,
// every wrong receipt is answered with the wait instead, the one that
// starts the back-off included.
func (h *Pages) pubFailReceipt(w http.ResponseWriter, r *http.Request, err error) error {
	key := pubReceiptKey(r)
	h.codes.Fail(key)
	if wait := h.codes.Wait(key); wait > 0 {
		pubRetryAfter(w, wait)
		return cases.TooManyReceipts(wait)
	}
	return err
}

// TrackForm shows the receipt entry. A receipt must never be in an
// address: a request with a query is sent on to /track without it, so that
// whatever it held reaches neither a form nor a page.
func (h *Pages) TrackForm(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if r.URL.RawQuery != "" {
		http.Redirect(w, r, "/track", http.StatusSeeOther)
		return
	}
	p := h.publicPage(r, "csp.track_title", "/track")
	h.render(w, r, http.StatusOK, "cases_public_track", "bare", p)
}

// pubTrackError shows the receipt entry again with err at the receipt; a
// wrong receipt is counted first.
func (h *Pages) pubTrackError(w http.ResponseWriter, r *http.Request, receipt string, err error) {
	if pubWrongReceipt(err) {
		err = h.pubFailReceipt(w, r, err)
	}
	e := errs.As(err)
	if e.Kind != errs.Invalid && e.Kind != errs.TooMany {
		h.publicFail(w, r, err)
		return
	}
	p := h.publicPage(r, "csp.track_title", "/track")
	p.Form.Set("receipt", receipt)
	p.Errors["receipt"] = e.Message(p.Lang)
	h.render(w, r, web.Status(e.Kind), "cases_public_track", "bare", p)
}

// pubReceiptOf reads the receipt of a posted form; an empty one is answered
// at once (it is no guess, and is not counted).
func (h *Pages) pubReceiptOf(w http.ResponseWriter, r *http.Request, f map[string][]string) (string, bool) {
	receipt := ""
	if v := f["receipt"]; len(v) > 0 {
		receipt = strings.TrimSpace(v[0])
	}
	if receipt == "" {
		h.pubTrackError(w, r, "", errs.Field("receipt", "请输入查询码", "enter your receipt code"))
		return "", false
	}
	return receipt, true
}

// Track shows the case of the posted receipt.
func (h *Pages) Track(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if err := r.ParseForm(); err != nil {
		h.pubTrackError(w, r, "", pubErrBadForm)
		return
	}
	receipt, ok := h.pubReceiptOf(w, r, r.PostForm)
	if !ok {
		return
	}
	pc, err := h.cs.Follow(r.Context(), receipt)
	if err != nil {
		h.pubTrackError(w, r, receipt, err)
		return
	}
	h.pubRenderCase(w, r, http.StatusOK, receipt, pc, pubCaseForms{})
}

// TrackFile sends an attachment of the receipt's case as a download.
func (h *Pages) TrackFile(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if err := r.ParseForm(); err != nil {
		h.pubTrackError(w, r, "", pubErrBadForm)
		return
	}
	receipt, ok := h.pubReceiptOf(w, r, r.PostForm)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("file"), 10, 64)
	if err != nil || id <= 0 {
		id = 0 // no file has it: the receipt is still checked
	}
	f, err := h.cs.PublicFile(r.Context(), receipt, id)
	if err != nil {
		if pubWrongReceipt(err) {
			h.pubTrackError(w, r, receipt, err)
			return
		}
		h.publicFail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.MIME)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	hd.Set("Content-Length", strconv.Itoa(len(f.Data)))
	hd.Set("X-Content-Type-Options", "nosniff")
	// Should a browser show it anyway, it is a document of its own,
	// without script and without the site's origin.
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data) // a client that went away has its download cut short
}

// TrackAdd adds the posted text and files to the receipt's case.
func (h *Pages) TrackAdd(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	in, readErr := pubRead(w, r)
	receipt, ok := h.pubReceiptOf(w, r, in.form)
	if !ok {
		return
	}
	forms := pubCaseForms{AddText: in.form.Get("text"), AddAgain: in.chosen}
	ctx := r.Context()
	var err error
	switch {
	case readErr != nil:
		err = readErr
	default:
		if ok, wait := h.submits.Allow(web.ClientKey(r)); !ok {
			pubRetryAfter(w, wait)
			err = errs.TooManyWait("提交过于频繁", "too many submissions", wait)
		} else {
			err = h.cs.AddInfo(ctx, receipt, in.form.Get("text"), in.files)
		}
	}
	if pubWrongReceipt(err) {
		h.pubTrackError(w, r, receipt, err)
		return
	}
	pc, ferr := h.cs.Follow(ctx, receipt)
	if ferr != nil {
		h.pubTrackError(w, r, receipt, ferr)
		return
	}
	lang := i18n.FromRequest(r)
	status := http.StatusOK
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal {
			h.publicFail(w, r, err)
			return
		}
		status = web.Status(e.Kind)
		forms.AddErrors = errs.FieldMessages(err, lang)
		if len(forms.AddErrors) == 0 {
			forms.AddFlash = &web.Flash{Kind: "err", Text: e.Message(lang)}
		}
	} else {
		forms = pubCaseForms{AddFlash: &web.Flash{Kind: "ok", Text: h.T(lang, "csp.added")}}
	}
	h.pubRenderCase(w, r, status, receipt, pc, forms)
}

// TrackRate records the reporter's rating of the answer.
func (h *Pages) TrackRate(w http.ResponseWriter, r *http.Request) {
	publicHeaders(w)
	if err := r.ParseForm(); err != nil {
		h.pubTrackError(w, r, "", pubErrBadForm)
		return
	}
	f := r.PostForm
	receipt, ok := h.pubReceiptOf(w, r, f)
	if !ok {
		return
	}
	ctx, lang := r.Context(), i18n.FromRequest(r)
	rating := f.Get("rating")
	pc, err := h.cs.Rate(ctx, receipt, rating, f.Get("comment"))
	if err == nil {
		text := h.T(lang, "csp.rated")
		if rating == cases.Unsatisfied {
			text = h.T(lang, "csp.rated_reopened")
		}
		h.pubRenderCase(w, r, http.StatusOK, receipt, pc, pubCaseForms{RateFlash: &web.Flash{Kind: "ok", Text: text}})
		return
	}
	if pubWrongReceipt(err) {
		h.pubTrackError(w, r, receipt, err)
		return
	}
	e := errs.As(err)
	if e.Kind == errs.Internal {
		h.publicFail(w, r, err)
		return
	}
	if pc, err = h.cs.Follow(ctx, receipt); err != nil {
		h.pubTrackError(w, r, receipt, err)
		return
	}
	forms := pubCaseForms{RateErrors: errs.FieldMessages(e, lang), Rating: rating, Comment: f.Get("comment")}
	if len(forms.RateErrors) == 0 {
		forms.RateFlash = &web.Flash{Kind: "err", Text: e.Message(lang)}
	}
	h.pubRenderCase(w, r, web.Status(e.Kind), receipt, pc, forms)
}

// pubCaseForms are the states of the case page's own forms: what was typed
// into them, their messages and their errors.
type pubCaseForms struct {
	AddText    string
	AddAgain   bool // files were chosen and must be chosen again
	AddErrors  map[string]string
	AddFlash   *web.Flash
	Rating     string
	Comment    string
	RateErrors map[string]string
	RateFlash  *web.Flash
}

// pubCaseView is the case page's data.
type pubCaseView struct {
	C         cases.PublicCase
	Receipt   string
	Kind      string
	State     string
	StateNote string
	Outcome   string
	Events    []pubEventView
	Reveals   []pubRevealView
	Ratings   []pubRating
	Forms     pubCaseForms
	// Rated is the rating of this round, said in words.
	Rated string
	// HasFiles: some step has files to download.
	HasFiles bool
	// Limits for the hints.
	MaxFiles, MaxFileMB, MaxTotalMB, ReopenDays int
}

type pubEventView struct {
	At         time.Time
	Label      string
	ByYou      bool
	StateLabel string
	Body       string
	Files      []pubFileView
}

type pubFileView struct {
	ID   int64
	Name string
	Size string
}

type pubRevealView struct {
	Text string
}

type pubRating struct {
	Key, Label string
	Checked    bool
}

// pubEventTypes name the steps the reporter is shown; a step without a name
// here (none of the domain's public ones) is shown as 办理.
var pubEventTypes = map[string]i18n.Text{
	"submit":             {ZH: "提交", EN: "Submitted"},
	"accept":             {ZH: "受理", EN: "Accepted"},
	"refuse":             {ZH: "不予受理", EN: "Not accepted"},
	"duplicate":          {ZH: "合并办理", EN: "Merged with another case"},
	"answer":             {ZH: "答复", EN: "Answer"},
	"close":              {ZH: "办结", EN: "Closed"},
	"add_info":           {ZH: "补充", EN: "Added information"},
	"rate":               {ZH: "评价", EN: "Rating"},
	"reopen":             {ZH: "重新办理", EN: "Reopened"},
	"extension_approved": {ZH: "延期", EN: "Extended"},
	"reveal_approved":    {ZH: "身份查看", EN: "Identity revealed"},
}

func pubEventLabel(typ, lang string) string {
	if t, ok := pubEventTypes[typ]; ok {
		return t.In(lang)
	}
	return web.Msg(lang, "办理", "Handling")
}

// pubFileSize writes a size as "820 KB" or "1.2 MB".
func pubFileSize(n int) string {
	switch {
	case n < 1<<10:
		return strconv.Itoa(n) + " B"
	case n < 1<<20:
		return strconv.Itoa((n+1<<10-1)>>10) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// pubRenderCase shows the reporter's case.
func (h *Pages) pubRenderCase(w http.ResponseWriter, r *http.Request, status int, receipt string, pc cases.PublicCase, forms pubCaseForms) {
	p := h.publicPage(r, "csp.case_title", "/track")
	lang := p.Lang
	v := &pubCaseView{C: pc, Receipt: receipt, Forms: forms, Kind: org.LabelOf(cases.Kinds, pc.Kind, lang), State: org.LabelOf(cases.States, pc.State, lang),
		StateNote: h.T(lang, "csp.state_note_"+pc.State), MaxFiles: cases.MaxAttachments, MaxFileMB: cases.MaxAttachmentBytes >> 20,
		MaxTotalMB: cases.MaxAttachmentsBytes >> 20, ReopenDays: cases.ReopenDays}
	if pc.State == cases.Submitted {
		v.StateNote = fmt.Sprintf(v.StateNote, cases.AcceptDays)
	}
	if pc.Outcome != "" {
		v.Outcome = org.LabelOf(cases.Outcomes, pc.Outcome, lang)
	}
	if pc.CanRate {
		v.StateNote += h.T(lang, "csp.state_note_rate")
	}
	if pc.Rating != "" {
		v.Rated = org.LabelOf(cases.Ratings, pc.Rating, lang)
	}
	for _, e := range pc.Events {
		ev := pubEventView{At: e.At, Label: pubEventLabel(e.Type, lang), ByYou: e.ByYou, Body: e.Body}
		if e.State != "" {
			ev.StateLabel = org.LabelOf(cases.States, e.State, lang)
		}
		for _, f := range e.Files {
			ev.Files = append(ev.Files, pubFileView{ID: f.ID, Name: f.Name, Size: pubFileSize(f.Size)})
			v.HasFiles = true
		}
		v.Events = append(v.Events, ev)
	}
	for _, rv := range pc.Reveals {
		at := rv.DecidedAt
		if at.IsZero() {
			at = rv.RequestedAt
		}
		when := bj(at).Format("2006-01-02 15:04")
		v.Reveals = append(v.Reveals, pubRevealView{Text: web.Msg(lang,
			fmt.Sprintf("您的身份信息于 %s 经身份信息保管人批准被办理人员查看，理由：%s", when, rv.Reason),
			fmt.Sprintf("On %s an identity custodian approved that the handlers see your identity, for this reason: %s", when, rv.Reason))})
	}
	for _, c := range cases.Ratings {
		v.Ratings = append(v.Ratings, pubRating{Key: c.Key, Label: c.In(lang), Checked: c.Key == forms.Rating})
	}
	if !pc.CanAdd && forms.AddFlash != nil {
		// The addition form is gone (the case closed meanwhile): its
		// message goes to the top of the page.
		p.Flash, v.Forms.AddFlash = forms.AddFlash, nil
	}
	p.Data = v
	h.render(w, r, status, "cases_public_case", "bare", p)
}
