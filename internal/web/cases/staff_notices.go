package cases

import (
	"fmt"
	"net/http"
	"time"

	"jiceng/internal/cases"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// staffMaxNotices is how many notices the page lists, the newest unread first.
const staffMaxNotices = 100

// staffNotice is a notice as a sentence with the page it leads to.
type staffNotice struct {
	ID   int64
	Text string
	Href string
	At   time.Time
	Read bool
}

// staffNoticesView is the notices page.
type staffNoticesView struct {
	Rows   []staffNotice
	Unread int
	UpTo   int64 // the newest notice shown, which "mark all read" reaches
	Max    int
}

// NoticeList shows the actor's notices, each a sentence naming the case
// by its number and linking to it: a case waits for acceptance, was
// dispatched here, came back, is overdue and escalated here, asks for more
// time, was reopened, has the reporter's addition, or its reporter's
// identity is asked for. A notice never says who reported.
func (h *Pages) NoticeList(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	lang := i18n.FromRequest(r)
	active := ""
	switch {
	case actor.CanAnywhere(cases.CasesRead):
		active = "cases"
	case actor.CanAnywhere(cases.IntegrityRead):
		active = "integrity"
	}
	p := h.Page(r, active, h.T(lang, "css.notices_title"))
	ns, unread, err := h.cs.Notices(ctx, actor, staffMaxNotices)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	v := &staffNoticesView{Unread: unread, Max: staffMaxNotices}
	for _, n := range ns {
		key := "css.notice." + n.Kind
		if _, ok := staffMessages[key]; !ok {
			key = "css.notice.other"
		}
		href := staffCaseHref(n.CaseID)
		if n.Kind == cases.NoticeReveal {
			// A custodian decides on the reveals' page and may not read
			// the case itself.
			href = "/cases/reveals"
		}
		v.Rows = append(v.Rows, staffNotice{ID: n.ID, Text: fmt.Sprintf(h.T(lang, key), n.CaseID), Href: href, At: n.At, Read: n.Read})
		v.UpTo = max(v.UpTo, n.ID)
	}
	p.Data = v
	h.render(w, r, http.StatusOK, "cases_staff_notices", "layout", p)
}

// NoticesRead marks the actor's notices read, up to the newest the page
// showed (up_to): one that arrived since stays unread.
func (h *Pages) NoticesRead(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	upTo := web.IDField(r.PostForm.Get("up_to"), "up_to", map[string]bool{})
	if upTo > 0 {
		if err := h.cs.MarkRead(r.Context(), web.Actor(r), upTo); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	h.Redirect(w, r, "/notices", "ok", h.T(i18n.FromRequest(r), "css.marked_read"))
}
