package people

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/people"
)

// orgIDQuery reads ?org_id=, 0 when absent.
func orgIDQuery(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("org_id")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, api.IntField("org_id")
	}
	return id, nil
}

// OrgPosts returns an organization's present posts, its past ones, the
// posts it lacks and its present term.
func (h *Handlers) OrgPosts(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), api.Actor(r)
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	present, err := h.ppl.OrgPosts(ctx, actor, id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	past, err := h.ppl.PastPosts(ctx, actor, id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	missing, err := h.ppl.OrgVacancies(ctx, actor, id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	term, err := h.ppl.CurrentTerm(ctx, actor, id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"present": orEmpty(present), "past": orEmpty(past), "missing": orEmpty(missing), "term": term})
}

// orEmpty is s, or an empty list for JSON's sake.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Appoint records a person taking up a post.
func (h *Handlers) Appoint(w http.ResponseWriter, r *http.Request) {
	var in people.PostInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	p, err := h.ppl.Appoint(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, p)
}

// EndPost records a person leaving a post.
func (h *Handlers) EndPost(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in struct {
		EndedOn string `json:"ended_on"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.ppl.EndPost(r.Context(), api.Actor(r), id, in.EndedOn); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"id": id, "ended_on": in.EndedOn})
}

// PersonPosts lists every post a person has held.
func (h *Handlers) PersonPosts(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	posts, err := h.ppl.PersonPosts(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": orEmpty(posts)})
}

// Vacancies lists the organizations of a subtree lacking a secretary or
// their "两委".
func (h *Handlers) Vacancies(w http.ResponseWriter, r *http.Request) {
	under, err := orgIDQuery(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	rows, err := h.ppl.Vacancies(r.Context(), api.Actor(r), people.VacancyQuery{Under: under, Q: v.Get("q"), Post: v.Get("post")})
	var out map[string]any
	if err == nil {
		out, err = api.PageOf(r, rows)
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, out)
}

// RecordTerm records an election of an organization's committee.
func (h *Handlers) RecordTerm(w http.ResponseWriter, r *http.Request) {
	var in people.TermInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	t, err := h.ppl.RecordTerm(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, t)
}

// TermsDue lists the terms that end within six months or have ended.
func (h *Handlers) TermsDue(w http.ResponseWriter, r *http.Request) {
	under, err := orgIDQuery(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	rows, err := h.ppl.DueTerms(r.Context(), api.Actor(r), people.TermQuery{Under: under, Q: v.Get("q"), Overdue: v.Get("overdue") == "true"})
	var out map[string]any
	if err == nil {
		out, err = api.PageOf(r, rows)
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, out)
}
