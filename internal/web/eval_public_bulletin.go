package web

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
)

// bulletinData is the public bulletin with the tracker searched for.
type bulletinData struct {
	evaluation.Bulletin
	Query string // the tracker as typed
	Found bool
	Hit   string // the tracker found, as listed
}

// normTracker writes a tracker as the bulletin lists it: upper case, in
// groups of five, with the letters a rater may confuse read as digits.
func normTracker(s string) string {
	var b []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') {
			b = append(b, byte(r))
		}
	}
	var out strings.Builder
	for i, c := range b {
		if i > 0 && i%5 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(c)
	}
	return out.String()
}

// Bulletin is the public bulletin of a campaign: per rater group the codes
// issued, used and the ballots counted, and the trackers of the counted
// ballots. A tracker is searched for by POST (BulletinSearch), never in
// the address: the history or a proxy's log would tie it to the client.
// An old link with ?t= is sent on to the bulletin without its query.
func (h *Handler) Bulletin(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	if r.URL.RawQuery != "" {
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
		return
	}
	h.bulletin(w, r, "")
}

// BulletinSearch shows the bulletin with the tracker posted in the form
// field t looked up.
func (h *Handler) BulletinSearch(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		h.publicFail(w, r, errs.New(errs.Invalid, "表单无效，请重新输入跟踪码", "invalid form: enter the tracker again"))
		return
	}
	h.bulletin(w, r, strings.TrimSpace(r.PostForm.Get("t")))
}

func (h *Handler) bulletin(w http.ResponseWriter, r *http.Request, query string) {
	id, err := pathID(r, "id")
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	b, err := h.Eval.Bulletin(r.Context(), id)
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	d := &bulletinData{Bulletin: b, Query: query}
	if d.Query != "" {
		want := normTracker(d.Query)
		for _, t := range b.Trackers {
			if t == want {
				d.Found, d.Hit = true, t
				break
			}
		}
	}
	p := h.votePage(r, b.Name)
	p.Path = "/bulletin/" + strconv.FormatInt(id, 10)
	p.Data = d
	h.render(w, r, http.StatusOK, "eval_public_bulletin", "bare", p)
}

// publicFail shows an error on the public frame, without the admin sidebar.
func (h *Handler) publicFail(w http.ResponseWriter, r *http.Request, err error) {
	p := h.votePage(r, i18n.T(i18n.FromRequest(r), "evp.title"))
	p.Path = "/vote"
	p.Flash = &Flash{Kind: "err", Text: errMessage(err, p.Lang)}
	h.render(w, r, Status(errs.As(err).Kind), "eval_public_vote", "bare", p)
}
