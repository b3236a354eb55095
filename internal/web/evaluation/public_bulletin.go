package evaluation

import (
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/ratelimit"
	"jiceng/internal/web"
)

// bulletinData is the public bulletin with one page of its trackers and
// the tracker searched for.
type bulletinData struct {
	evaluation.Bulletin
	Query  string // the tracker as typed
	Found  bool
	Hit    string // the tracker found, as listed
	Listed bool   // a page of the list was asked for: it is shown open
	// Limited: the client is over its limit of bulletin requests. The
	// page shows only the wait, the tracker as typed, and the way back.
	Limited bool
	Pager   bulletinPager
}

// bulletinPager is the paging of the tracker list, as the pager partial
// shows it.
type bulletinPager struct {
	Total, Page, Pages int
	PrevHref, NextHref string
}

// ExportCapped is false: the bulletin offers no export, so the pager
// partial's notice of a capped export never applies to it.
func (bulletinPager) ExportCapped() bool { return false }

// trackersPerPage is the length of a page of the bulletin's tracker list.
const trackersPerPage = 100

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
// issued, used and the ballots counted, and a page of the trackers of the
// counted ballots (?page=N). A tracker is searched for by POST
// (BulletinSearch), never in the address: the history or a proxy's log
// would tie it to the client. An old link with ?t= or any other query is
// sent on to the bulletin without it.
func (h *Pages) Bulletin(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	page := 0
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		n, err := strconv.Atoi(q.Get("page"))
		if len(q) != 1 || err != nil || n < 1 {
			http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
			return
		}
		page = n
	}
	h.bulletin(w, r, "", page)
}

// BulletinSearch shows the bulletin with the tracker posted in the form
// field t looked up.
func (h *Pages) BulletinSearch(w http.ResponseWriter, r *http.Request) {
	publicPage(w)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		h.publicFail(w, r, errs.New(errs.Invalid, "表单无效，请重新输入跟踪码", "invalid form: enter the tracker again"))
		return
	}
	h.bulletin(w, r, strings.TrimSpace(r.PostForm.Get("t")), 0)
}

// bulletin shows page (1 when 0) of the tracker list, and the lookup of
// query when it is not empty. Everything is read before the page is
// rendered: no database connection waits on a slow client.
func (h *Pages) bulletin(w http.ResponseWriter, r *http.Request, query string, page int) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	base := "/bulletin/" + strconv.FormatInt(id, 10)
	d := &bulletinData{Query: query, Listed: page > 0}
	if err := ratelimit.Check(w, r, h.reads); err != nil {
		// Still the bulletin's page, with a link back to it and the
		// tracker kept, but without the campaign's name: the limit is
		// there to spare the database, so nothing is read for it.
		d.CampaignID, d.Limited = id, true
		p := h.votePage(r, h.T(i18n.FromRequest(r), "evp.bulletin"))
		p.Path = base
		p.Data = d
		p.Flash = &web.Flash{Kind: "err", Text: web.ErrMessage(err, p.Lang)}
		h.render(w, r, web.Status(errs.As(err).Kind), "eval_public_bulletin", "bare", p)
		return
	}
	if d.Query != "" {
		want := normTracker(d.Query)
		b, found, _, err := h.eval.FindTracker(r.Context(), id, want)
		if err != nil {
			h.publicFail(w, r, err)
			return
		}
		d.Bulletin, d.Found = b, found
		if found {
			d.Hit = want
		}
	}
	page = max(page, 1)
	b, err := h.eval.BulletinPage(r.Context(), id, (page-1)*trackersPerPage, trackersPerPage)
	if err != nil {
		h.publicFail(w, r, err)
		return
	}
	pages := max(1, (b.TrackerTotal+trackersPerPage-1)/trackersPerPage)
	if page > pages {
		// Past the end (the list is shorter than the link remembered):
		// the last page.
		page = pages
		if b, err = h.eval.BulletinPage(r.Context(), id, (page-1)*trackersPerPage, trackersPerPage); err != nil {
			h.publicFail(w, r, err)
			return
		}
	}
	d.Bulletin = b
	d.Pager = bulletinPager{Total: b.TrackerTotal, Page: page, Pages: pages}
	if page > 1 {
		d.Pager.PrevHref = base + "?page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		d.Pager.NextHref = base + "?page=" + strconv.Itoa(page+1)
	}
	p := h.votePage(r, b.Name)
	p.Path = base
	p.Data = d
	h.render(w, r, http.StatusOK, "eval_public_bulletin", "bare", p)
}

// publicFail shows an error on the public frame, without the admin sidebar.
func (h *Pages) publicFail(w http.ResponseWriter, r *http.Request, err error) {
	p := h.votePage(r, h.T(i18n.FromRequest(r), "evp.title"))
	p.Path = "/vote"
	p.Flash = &web.Flash{Kind: "err", Text: web.ErrMessage(err, p.Lang)}
	h.render(w, r, web.Status(errs.As(err).Kind), "eval_public_vote", "bare", p)
}
