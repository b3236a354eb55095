package people

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/people"
)

// ListMembers lists the current members of the caller's scope, or of an
// organization's subtree, in pinyin order of their names.
func (h *Handlers) ListMembers(w http.ResponseWriter, r *http.Request) {
	limit, err := api.Limit(r)
	var offset int
	var at string
	if err == nil {
		offset, at, err = api.CursorAt(r)
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.MemberQuery{Q: v.Get("q"), Status: v.Get("status"), Kind: v.Get("kind"), Gender: v.Get("gender"), Education: v.Get("education"),
		AgeBand: v.Get("age_band"), Sort: v.Get("sort"), Limit: limit + 1, Offset: offset, After: at} // one more tells whether a page follows
	if s := v.Get("org_id"); s != "" {
		if q.Under, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.k.Fail(w, r, api.IntField("org_id"))
			return
		}
	}
	rows, total, err := h.ppl.Members(r.Context(), api.Actor(r), q)
	if at != "" && errs.As(err).Field == "after" {
		err = api.BadCursor() // the position inside the cursor, or a sort it was not made for
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	next := ""
	if len(rows) > limit {
		// In name order the cursor carries the last member's position, so
		// that a page deep in a long list reads no more than the first.
		rows = rows[:limit]
		pos := ""
		if q.Sort == "" || q.Sort == "name" {
			pos = rows[limit-1].Position()
		}
		next = api.EncodeCursor(offset+limit, pos)
	}
	if rows == nil {
		rows = []people.Member{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": next})
}

// AddMember registers a person as a member of an organization.
func (h *Handlers) AddMember(w http.ResponseWriter, r *http.Request) {
	var in people.MemberInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.ppl.AddMember(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// GetPerson returns a person with their membership.
func (h *Handlers) GetPerson(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.ppl.Person(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}

// Timeline returns a person's membership steps, oldest first, summarized
// in the caller's language.
func (h *Handlers) Timeline(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	es, err := h.ppl.Timeline(r.Context(), api.Actor(r), id, i18n.FromRequest(r))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if es == nil {
		es = []people.Event{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": es})
}

// SetStatus records a change of a member's status.
func (h *Handlers) SetStatus(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.StatusInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.ppl.SetStatus(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}

// Convert records a probationary member's full membership.
func (h *Handlers) Convert(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		FullOn string `json:"full_on"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.ppl.Convert(r.Context(), api.Actor(r), id, in.FullOn)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, p)
}

// Reveal answers a person's ID number or phone in full; the domain writes
// the reveal to the audit log. The answer is kept out of every cache
// whatever the server's default, since it is the one place a number leaves
// the register in clear.
func (h *Handlers) Reveal(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		Field string `json:"field"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v, err := h.ppl.Reveal(r.Context(), api.Actor(r), id, in.Field)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]string{"value": v})
}
