package evaluation

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// The public ballot pages. A rater holds a slip with a code (or its QR
// code); the pages need no login and keep the code out of URLs, logs,
// history and referrers: the QR code opens /vote#c=CODE, whose fragment no
// browser sends to a server or a proxy; app.js clears the fragment from the
// address and posts the code before the page has loaded, which replaces the
// history entry of the QR address, and every later step posts the code in
// the body.

// publicPage sets the headers of every public ballot page.
func publicPage(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// ballotLimitKey is the client's rate-limit key for code entries, shared
// with the API's ballot box; it is kept in memory only.
func ballotLimitKey(r *http.Request) string { return "ballot:" + web.ClientKey(r) }

// voteLevel is one choice of a levels indicator.
type voteLevel struct {
	Label, Value string
	Checked      bool
}

// voteItem is one leaf indicator of one subject on the ballot.
type voteItem struct {
	Field   string // form field: "a:" + subject key + ":" + indicator key
	Name    string // with its parent, "组织建设 · 班子建设"
	Points  bool   // a number from 0 to 100 rather than levels
	Levels  []voteLevel
	Value   string // as posted
	Display string // the answer as shown on the review page
	Error   string
}

type voteSubject struct {
	evaluation.Subject
	Items []voteItem
	Error string
	Files []evaluation.SubjectFile // the report's PDF and page images
}

// voteData is the ballot as the form, the review and the receipt show it.
type voteData struct {
	Campaign  evaluation.Campaign
	GroupName string
	GroupLine string // "评委组：群众代表。"
	Code      string
	Subjects  []voteSubject
	Comment   string
	Skippable bool // subjects the rater does not know may be left out whole
	Missing   int
	Tracker   string
	MaxRunes  int
}

type leafPath struct {
	ind  evaluation.Indicator
	name string
}

func leaves(inds []evaluation.Indicator, parent string, out *[]leafPath) {
	for _, in := range inds {
		name := in.Name
		if parent != "" {
			name = parent + " · " + in.Name
		}
		if len(in.Children) > 0 {
			leaves(in.Children, name, out)
		} else {
			*out = append(*out, leafPath{in, name})
		}
	}
}

func fmtPoints(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ballotData builds the ballot of a form lookup with the answers posted in
// r (none on the first showing).
func ballotData(r *http.Request, lang, code string, bf evaluation.BallotForm) *voteData {
	c := bf.Campaign
	d := &voteData{Campaign: c, GroupName: c.Rules.GroupName(bf.Group), Code: code, MaxRunes: evaluation.MaxCommentRunes,
		Skippable: c.Type != evaluation.TypeReview && c.Type != evaluation.TypeFirstSecretary}
	d.GroupLine = web.Msg(lang, "评委组："+d.GroupName+"。", "Rater group: "+evaluation.NameIn(d.GroupName, lang)+". ")
	d.Comment = strings.TrimSpace(r.PostFormValue("comment"))
	var ls []leafPath
	leaves(c.Rules.Indicators, "", &ls)
	for _, sb := range bf.Subjects {
		vs := voteSubject{Subject: sb}
		for _, l := range ls {
			it := voteItem{Field: "a:" + sb.Key + ":" + l.ind.Key, Name: l.name, Points: l.ind.Scale.Kind == evaluation.ScalePoints}
			it.Value = strings.TrimSpace(r.PostFormValue(it.Field))
			it.Display = it.Value
			for _, lv := range l.ind.Scale.Levels {
				v := fmtPoints(lv.Points)
				it.Levels = append(it.Levels, voteLevel{Label: evaluation.NameIn(lv.Label, lang), Value: v, Checked: v == it.Value})
				if v == it.Value {
					it.Display = evaluation.NameIn(lv.Label, lang)
				}
			}
			vs.Items = append(vs.Items, it)
		}
		d.Subjects = append(d.Subjects, vs)
	}
	return d
}

// check validates the posted answers, marking each problem next to its
// indicator, and returns the scores when all is well.
func (d *voteData) check(lang string) (map[string]map[string]float64, bool) {
	scores := map[string]map[string]float64{}
	ok := true
	for si := range d.Subjects {
		vs := &d.Subjects[si]
		answered := 0
		for _, it := range vs.Items {
			if it.Value != "" {
				answered++
			}
		}
		if answered == 0 && d.Skippable {
			continue
		}
		m := map[string]float64{}
		for ii := range vs.Items {
			it := &vs.Items[ii]
			key := strings.TrimPrefix(it.Field, "a:"+vs.Key+":")
			if it.Value == "" {
				it.Error = web.Msg(lang, "请选择或填写该项评价", "answer this item")
				ok = false
				d.Missing++
				continue
			}
			v, err := strconv.ParseFloat(it.Value, 64)
			valid := err == nil
			if valid && it.Points {
				valid = v >= 0 && v <= 100
			} else if valid {
				valid = false
				for _, lv := range it.Levels {
					valid = valid || lv.Value == it.Value
				}
			}
			if !valid {
				if it.Points {
					it.Error = web.Msg(lang, "请填写 0–100 之间的分数", "enter a score from 0 to 100")
				} else {
					it.Error = web.Msg(lang, "请从所列等级中选择一项", "choose one of the levels listed")
				}
				ok = false
				d.Missing++
				continue
			}
			m[key] = v
		}
		scores[vs.Key] = m
	}
	if len(scores) == 0 && ok {
		ok = false
		for si := range d.Subjects {
			d.Subjects[si].Error = web.Msg(lang, "请至少评价一个测评对象", "rate at least one subject")
		}
		d.Missing = 1
	}
	return scores, ok
}

// votePage returns the page frame of the ballot pages.
func (h *Pages) votePage(r *http.Request, title string) *web.Page {
	p := h.Page(r, "", title)
	p.User = nil
	return p
}

// VoteForm shows the code entry. Slips printed before the code moved to the
// fragment carry /vote?c=CODE: such a request is sent on to /vote with no
// query at all, so that the code reaches neither a form nor a page, and the
// rater types it or scans a new slip.
func (h *Pages) VoteForm(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	if r.URL.RawQuery != "" {
		http.Redirect(w, r, "/vote", http.StatusSeeOther)
		return
	}
	p := h.votePage(r, h.T(i18n.FromRequest(r), "evp.title"))
	p.Path = "/vote"
	h.render(w, r, http.StatusOK, "eval_public_vote", "bare", p)
}

// codeError shows the code entry again with err next to the code.
func (h *Pages) codeError(w http.ResponseWriter, r *http.Request, code string, err error) {
	e := errs.As(err)
	if e.Kind == errs.Internal {
		h.Logger.Error("ballot", "path", r.URL.Path, "err", err)
	}
	p := h.votePage(r, h.T(i18n.FromRequest(r), "evp.title"))
	p.Path = "/vote"
	p.Form.Set("code", code)
	p.Errors["code"] = e.Message(p.Lang)
	h.render(w, r, web.Status(e.Kind), "eval_public_vote", "bare", p)
}

// lookup checks the code posted in r, answering the client itself when it
// is wrong or when the client has entered too many wrong codes.
//
// The code is checked first and a valid one always passes: the limit
// counts wrong codes per client address, and behind a proxy, or a
// village's one mobile network, that address is shared by every rater —
// one person's typos must not lock out the others. Only wrong codes are
// throttled, and a valid lookup leaves the count alone (it does not clear
// it either: a guesser holding one real slip would otherwise reset the
// count with it). A limited client therefore still learns at once that a
// code is valid; that oracle is harmless, since a code carries at least
// 128 random bits and no rate of guessing finds one. What the limit buys is
// cost control: a client that keeps sending wrong codes is answered "too
// many" and its back-off grows.
func (h *Pages) lookup(w http.ResponseWriter, r *http.Request) (string, evaluation.BallotForm, bool) {
	publicPage(w)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.codeError(w, r, "", errs.New(errs.Invalid, "表单无效，请重新输入测评码", "invalid form: enter the code again"))
		return "", evaluation.BallotForm{}, false
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" {
		h.codeError(w, r, code, errs.Field("code", "请输入测评票上的测评码", "enter the code printed on your ballot slip"))
		return "", evaluation.BallotForm{}, false
	}
	bf, err := h.eval.BallotForm(r.Context(), code)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.Invalid && e.Field == "code" {
			err = h.failCode(ballotLimitKey(r), err)
		}
		h.codeError(w, r, code, err)
		return "", evaluation.BallotForm{}, false
	}
	return code, bf, true
}

// failCode records a wrong code. Once the client is over the limit every
// wrong code is answered with the wait rather than with the code's error,
// the one that starts the back-off included.
func (h *Pages) failCode(key string, err error) error {
	h.limiter.Fail(key)
	if wait := h.limiter.Wait(key); wait > 0 {
		return evaluation.TooManyCodes(wait)
	}
	return err
}

func (h *Pages) renderBallot(w http.ResponseWriter, r *http.Request, status int, d *voteData, flash string) {
	files, err := h.eval.BallotFiles(r.Context(), d.Campaign.ID)
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	for i := range d.Subjects {
		d.Subjects[i].Files = files[d.Subjects[i].ID]
	}
	p := h.votePage(r, d.Campaign.Name)
	p.Path = "/vote"
	p.Data = d
	if flash != "" {
		p.Flash = &web.Flash{Kind: "err", Text: flash}
	}
	h.render(w, r, status, "eval_public_ballot", "bare", p)
}

// VoteCode checks a code without spending it and shows the ballot.
func (h *Pages) VoteCode(w http.ResponseWriter, r *http.Request) {
	code, bf, ok := h.lookup(w, r)
	if !ok {
		return
	}
	h.renderBallot(w, r, http.StatusOK, ballotData(r, i18n.FromRequest(r), code, bf), "")
}

// checked validates the posted ballot; on a problem it shows the form again
// with each error next to its indicator.
func (h *Pages) checked(w http.ResponseWriter, r *http.Request, d *voteData) (map[string]map[string]float64, bool) {
	lang := i18n.FromRequest(r)
	scores, ok := d.check(lang)
	if n := utf8.RuneCountInString(d.Comment); n > evaluation.MaxCommentRunes {
		ok = false
		h.renderBallot(w, r, http.StatusUnprocessableEntity, d, web.Msg(lang,
			"意见建议最多 "+strconv.Itoa(evaluation.MaxCommentRunes)+" 字，现为 "+strconv.Itoa(n)+" 字",
			"the comment takes at most "+strconv.Itoa(evaluation.MaxCommentRunes)+" characters, not "+strconv.Itoa(n)))
		return nil, false
	}
	if !ok {
		h.renderBallot(w, r, http.StatusUnprocessableEntity, d, web.Msg(lang,
			"还有 "+strconv.Itoa(d.Missing)+" 项未评价或填写有误，请补充后再提交", strconv.Itoa(d.Missing)+" answers are missing or invalid: please complete them"))
	}
	return scores, ok
}

// VoteReview shows the answers read-only before they are cast; "back"
// returns to the form with the answers kept.
func (h *Pages) VoteReview(w http.ResponseWriter, r *http.Request) {
	code, bf, ok := h.lookup(w, r)
	if !ok {
		return
	}
	d := ballotData(r, i18n.FromRequest(r), code, bf)
	if r.PostForm.Has("back") {
		h.renderBallot(w, r, http.StatusOK, d, "")
		return
	}
	if _, ok := h.checked(w, r, d); !ok {
		return
	}
	p := h.votePage(r, d.Campaign.Name)
	p.Path = "/vote"
	p.Data = d
	h.render(w, r, http.StatusOK, "eval_public_review", "bare", p)
}

// VoteSubmit casts the ballot and shows the rater's tracker.
func (h *Pages) VoteSubmit(w http.ResponseWriter, r *http.Request) {
	code, bf, ok := h.lookup(w, r)
	if !ok {
		return
	}
	lang := i18n.FromRequest(r)
	d := ballotData(r, lang, code, bf)
	scores, ok := h.checked(w, r, d)
	if !ok {
		return
	}
	tracker, err := h.eval.CastBallot(r.Context(), code, scores, d.Comment)
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Invalid && e.Field != "code" {
			h.renderBallot(w, r, http.StatusUnprocessableEntity, d, e.Message(lang))
			return
		}
		if e.Kind == errs.Invalid {
			err = h.failCode(ballotLimitKey(r), err)
		}
		h.codeError(w, r, code, err)
		return
	}
	d.Tracker = tracker
	d.Code = ""
	p := h.votePage(r, d.Campaign.Name)
	p.Path = "/vote"
	p.Data = d
	h.render(w, r, http.StatusOK, "eval_public_done", "bare", p)
}
