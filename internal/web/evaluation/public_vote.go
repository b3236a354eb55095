package evaluation

import (
	"net/http"
	"net/url"
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
//
// Every post is answered with a 303 to a plain GET (/vote/ballot, the form;
// /vote/review, the answers to check), so that the Back gesture and a
// reload find a page the browser can load again instead of asking to
// resubmit a form. What the GET needs — the code and the answers so far —
// travels in a cookie sealed by the server (evaluation.Draft), kept in the
// rater's browser like the posted form was, never on the server, and
// deleted when the ballot is cast.

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
	Done  int                      // items answered, shown as "3/7"
	Open  bool                     // shown unfolded
	// Problem marks a subject with a missing or wrong answer.
	Problem bool
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
	// FirstGap is the form field of the first missing or wrong answer (or
	// "subj-" and a subject's key for a whole subject): the page marks it
	// as the anchor #gap, which the redirect after a check points at.
	FirstGap string
}

type leafPath struct {
	ind  evaluation.Indicator
	name string
}

// leaves lists the leaf indicators with their names in lang, each under
// its parents' ("组织建设 · 班子建设").
func leaves(inds []evaluation.Indicator, parent, lang string, out *[]leafPath) {
	for _, in := range inds {
		name := evaluation.NameIn(in.Name, lang)
		if parent != "" {
			name = parent + " · " + name
		}
		if len(in.Children) > 0 {
			leaves(in.Children, name, lang, out)
		} else {
			*out = append(*out, leafPath{in, name})
		}
	}
}

func fmtPoints(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ballotFields gives the form fields of the ballot in the order it shows
// them: the order of a draft's answers.
func ballotFields(bf evaluation.BallotForm) []string {
	var ls []leafPath
	leaves(bf.Campaign.Rules.Indicators, "", i18n.ZH, &ls)
	var out []string
	for _, sb := range bf.Subjects {
		for _, l := range ls {
			out = append(out, "a:"+sb.Key+":"+l.ind.Key)
		}
	}
	return out
}

// draftForm turns a draft back into the form it was made from.
func draftForm(dr evaluation.Draft, bf evaluation.BallotForm) url.Values {
	f := url.Values{"code": {dr.Code}, "comment": {dr.Comment}}
	for i, field := range ballotFields(bf) {
		if i < len(dr.Answers) && dr.Answers[i] != "" {
			f.Set(field, dr.Answers[i])
		}
	}
	return f
}

// ballotData builds the ballot of a form lookup with the answers in form
// (none on the first showing).
func ballotData(form url.Values, lang, code string, bf evaluation.BallotForm) *voteData {
	c := bf.Campaign
	d := &voteData{Campaign: c, GroupName: c.Rules.GroupName(bf.Group), Code: code, MaxRunes: evaluation.MaxCommentRunes,
		Skippable: c.Type != evaluation.TypeReview && c.Type != evaluation.TypeFirstSecretary}
	d.GroupLine = web.Msg(lang, "评委组："+d.GroupName+"。", "Rater group: "+evaluation.NameIn(d.GroupName, lang)+". ")
	d.Comment = strings.TrimSpace(form.Get("comment"))
	var ls []leafPath
	leaves(c.Rules.Indicators, "", lang, &ls)
	for _, sb := range bf.Subjects {
		vs := voteSubject{Subject: sb}
		for _, l := range ls {
			it := voteItem{Field: "a:" + sb.Key + ":" + l.ind.Key, Name: l.name, Points: l.ind.Scale.Kind == evaluation.ScalePoints}
			it.Value = strings.TrimSpace(form.Get(it.Field))
			it.Display = it.Value
			if it.Value != "" {
				vs.Done++
			}
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
	d.unfold()
	return d
}

// unfold decides which subjects the form shows open: the first with a
// problem (where the anchor #gap is), else the first not yet finished.
// Other subjects fold to their line and progress — those with problems
// marked — which keeps a ballot of nine subjects within a few phone
// screens; a folded subject's answers are still in the form.
func (d *voteData) unfold() {
	first := -1
	for i := range d.Subjects {
		vs := &d.Subjects[i]
		vs.Open, vs.Problem = false, vs.Error != ""
		for _, it := range vs.Items {
			vs.Problem = vs.Problem || it.Error != ""
		}
		if vs.Problem && first < 0 {
			first = i
		}
	}
	if first < 0 {
		for i := range d.Subjects {
			if d.Subjects[i].Done < len(d.Subjects[i].Items) {
				first = i
				break
			}
		}
	}
	if first >= 0 {
		d.Subjects[first].Open = true
	}
}

// draft is what the browser keeps of d between the steps.
func (d *voteData) draft(checked bool) evaluation.Draft {
	dr := evaluation.Draft{Code: d.Code, Comment: d.Comment, Checked: checked}
	for _, vs := range d.Subjects {
		for _, it := range vs.Items {
			v := it.Value
			// A valid answer is a level's points or a score of a few
			// digits; anything longer is wrong anyway and would only swell
			// the cookie.
			if len(v) > 12 {
				v = v[:12]
			}
			dr.Answers = append(dr.Answers, v)
		}
	}
	return dr
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
				d.gap(it.Field)
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
				d.gap(it.Field)
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
		if len(d.Subjects) > 0 {
			d.gap("subj-" + d.Subjects[0].Key)
		}
	}
	d.unfold()
	return scores, ok
}

// gap notes field as the first problem unless one came before.
func (d *voteData) gap(field string) {
	if d.FirstGap == "" {
		d.FirstGap = field
	}
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
	// The language links come back to the ballot, which the draft refills.
	p.Path = "/vote/ballot"
	p.Data = d
	if flash != "" {
		p.Flash = &web.Flash{Kind: "err", Text: flash}
	}
	h.render(w, r, status, "eval_public_ballot", "bare", p)
}

// draftCookie is the cookie that carries the sealed draft. It is sent only
// to the ballot pages, never read by scripts, and never on a request that
// another site starts. A browser keeps at most 4096 bytes of one cookie
// (name and value): a draft longer than draftPart — a ballot of hundreds of
// subjects scored with decimals — goes over numbered cookies, "ballot" with
// the count before a dot and the first part ("2.…"), then "ballot.1" …, all
// alike. The parts are one sealed text, so a draft with a part missing,
// changed or left from another draft does not open, and is refused whole.
const (
	draftCookie = "ballot"
	draftPart   = 3800
	// maxDraftParts bounds the cookies of a draft, and so the Cookie header
	// the ballot pages receive (see docs/OPERATIONS.md on proxies): six
	// hold some 7,000 answers scored with two decimals and the longest
	// comment; levels take far less.
	maxDraftParts = 6
)

func draftPartName(i int) string {
	if i == 0 {
		return draftCookie
	}
	return draftCookie + "." + strconv.Itoa(i)
}

// errDraftTooLarge answers a ballot whose draft the browser could not keep.
var errDraftTooLarge = errs.New(errs.Invalid,
	"这张测评票的评价和意见建议太长，浏览器无法暂存，未能进入核对页。您填写的内容都在下方，请缩短意见建议后再点“下一步：核对评价”",
	"this ballot's answers and comment are too long for the browser to keep between the steps, so the check page could not open. Everything you entered is still below: shorten the comment and tap \"Next: check my answers\" again")

// saveDraft seals dr into the draft cookies, which live until the browser
// closes (and are unreadable after DraftLifetime in any case), and deletes
// the parts of an earlier, longer draft.
func (h *Pages) saveDraft(w http.ResponseWriter, r *http.Request, dr evaluation.Draft) error {
	v, err := h.eval.SealDraft(dr)
	if err != nil {
		return errs.Wrap(err, "seal ballot draft")
	}
	var parts []string
	for len(v) > draftPart {
		parts = append(parts, v[:draftPart])
		v = v[draftPart:]
	}
	parts = append(parts, v)
	if len(parts) > maxDraftParts {
		return errDraftTooLarge
	}
	parts[0] = strconv.Itoa(len(parts)) + "." + parts[0]
	for i, p := range parts {
		h.setDraftCookie(w, draftPartName(i), p, 0)
	}
	for i := len(parts); i < maxDraftParts; i++ {
		if _, err := r.Cookie(draftPartName(i)); err == nil {
			h.setDraftCookie(w, draftPartName(i), "", -1)
		}
	}
	return nil
}

func (h *Pages) setDraftCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/vote", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.Secure})
}

// readDraft joins the parts of the draft the browser sent and opens it.
func (h *Pages) readDraft(r *http.Request) (evaluation.Draft, bool) {
	c, err := r.Cookie(draftCookie)
	if err != nil {
		return evaluation.Draft{}, false
	}
	count, first, found := strings.Cut(c.Value, ".")
	n, err := strconv.Atoi(count)
	if !found || err != nil || n < 1 || n > maxDraftParts {
		return evaluation.Draft{}, false
	}
	var b strings.Builder
	b.WriteString(first)
	for i := 1; i < n; i++ {
		c, err := r.Cookie(draftPartName(i))
		if err != nil {
			return evaluation.Draft{}, false
		}
		b.WriteString(c.Value)
	}
	return h.eval.OpenDraft(b.String())
}

// dropDraft deletes the draft cookie and every part of it the browser has.
func (h *Pages) dropDraft(w http.ResponseWriter, r *http.Request) {
	h.setDraftCookie(w, draftCookie, "", -1)
	for i := 1; i < maxDraftParts; i++ {
		if _, err := r.Cookie(draftPartName(i)); err == nil {
			h.setDraftCookie(w, draftPartName(i), "", -1)
		}
	}
}

// seeOther saves the draft and sends the browser on to path with a 303, so
// that the post leaves no entry the Back gesture would have to resubmit. A
// draft too long for the browser to keep would be lost on the way: the
// ballot d is shown again instead, every answer in it, with the reason.
func (h *Pages) seeOther(w http.ResponseWriter, r *http.Request, d *voteData, dr evaluation.Draft, path string) {
	if err := h.saveDraft(w, r, dr); err != nil {
		if err == errDraftTooLarge && d != nil {
			h.renderBallot(w, r, http.StatusUnprocessableEntity, d, errDraftTooLarge.Message(i18n.FromRequest(r)))
			return
		}
		h.publicFail(w, r, err)
		return
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// loadDraft reads the draft of a GET step and its ballot. Without a
// readable draft — expired, cleared after voting, a part lost or changed,
// or refused by a browser that keeps no cookies — the code entry is shown
// again with the reason. The code in a draft was checked when the draft
// was made, so a code that has since been used or closed is not counted as
// a wrong guess.
func (h *Pages) loadDraft(w http.ResponseWriter, r *http.Request) (*voteData, evaluation.Draft, bool) {
	publicPage(w)
	lang := i18n.FromRequest(r)
	dr, ok := h.readDraft(r)
	if !ok {
		h.dropDraft(w, r)
		h.codeError(w, r, "", errs.Field("code", "未找到正在填写的测评票（已提交、超过 3 小时未提交，或浏览器未允许本站保存 Cookie），请重新输入测评码",
			"no ballot is being filled in (it was submitted, left for over 3 hours, or the browser does not let this site keep a cookie): enter the code again"))
		return nil, dr, false
	}
	bf, err := h.eval.BallotForm(r.Context(), dr.Code)
	if err != nil {
		h.dropDraft(w, r)
		h.codeError(w, r, dr.Code, err)
		return nil, dr, false
	}
	return ballotData(draftForm(dr, bf), lang, dr.Code, bf), dr, true
}

// VoteCode checks a code without spending it and sends the browser on to
// the ballot.
func (h *Pages) VoteCode(w http.ResponseWriter, r *http.Request) {
	code, _, ok := h.lookup(w, r)
	if !ok {
		return
	}
	h.seeOther(w, r, nil, evaluation.Draft{Code: code}, "/vote/ballot")
}

// VoteBallot shows the ballot with the answers of the draft. After the
// rater asked for the review, each missing or wrong answer is marked and
// the first one carries the anchor the redirect points at.
func (h *Pages) VoteBallot(w http.ResponseWriter, r *http.Request) {
	d, dr, ok := h.loadDraft(w, r)
	if !ok {
		return
	}
	flash := ""
	if dr.Checked {
		if _, ok := d.check(i18n.FromRequest(r)); !ok {
			flash = missingFlash(i18n.FromRequest(r), d.Missing)
		}
	}
	h.renderBallot(w, r, http.StatusOK, d, flash)
}

func missingFlash(lang string, n int) string {
	return web.Msg(lang, "还有 "+strconv.Itoa(n)+" 项未评价或填写有误，请补充后再提交", strconv.Itoa(n)+" answers are missing or invalid: please complete them")
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
		h.renderBallot(w, r, http.StatusUnprocessableEntity, d, missingFlash(lang, d.Missing))
	}
	return scores, ok
}

// VoteReview takes the filled ballot. Complete, it goes on to the review;
// with gaps, back to the form at the first one (#gap). "back" (the
// button of pages served before the review became a GET) returns to the
// form. A comment over the limit is answered at once: it cannot travel in
// the cookie.
func (h *Pages) VoteReview(w http.ResponseWriter, r *http.Request) {
	code, bf, ok := h.lookup(w, r)
	if !ok {
		return
	}
	lang := i18n.FromRequest(r)
	d := ballotData(r.PostForm, lang, code, bf)
	if r.PostForm.Has("back") {
		h.seeOther(w, r, d, d.draft(false), "/vote/ballot")
		return
	}
	if n := utf8.RuneCountInString(d.Comment); n > evaluation.MaxCommentRunes {
		h.checked(w, r, d)
		return
	}
	if _, ok := d.check(lang); !ok {
		h.seeOther(w, r, d, d.draft(true), "/vote/ballot#gap")
		return
	}
	h.seeOther(w, r, d, d.draft(true), "/vote/review")
}

// VoteReviewPage shows the answers read-only before they are cast; 修改
// (and the Back gesture) return to the form with the answers kept.
func (h *Pages) VoteReviewPage(w http.ResponseWriter, r *http.Request) {
	d, _, ok := h.loadDraft(w, r)
	if !ok {
		return
	}
	if _, ok := d.check(i18n.FromRequest(r)); !ok {
		http.Redirect(w, r, "/vote/ballot#gap", http.StatusSeeOther)
		return
	}
	p := h.votePage(r, d.Campaign.Name)
	p.Path = "/vote/review"
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
	d := ballotData(r.PostForm, lang, code, bf)
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
		h.dropDraft(w, r)
		h.codeError(w, r, code, err)
		return
	}
	// The draft goes with the vote: Back from the receipt finds no
	// answers, only the code entry.
	h.dropDraft(w, r)
	d.Tracker = tracker
	d.Code = ""
	p := h.votePage(r, d.Campaign.Name)
	p.Path = "/vote"
	p.Data = d
	h.render(w, r, http.StatusOK, "eval_public_done", "bare", p)
}
