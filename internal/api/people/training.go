package people

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/module"
	"jiceng/internal/people"
)

// trainingRoutes are the training routes of the API (M4).
func (h *Handlers) trainingRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/api/v1/training/courses", module.API, h.ListCourses),
		module.R("POST", "/api/v1/training/courses", module.API, h.CreateCourse),
		module.R("GET", "/api/v1/training/courses/{id}", module.API, h.GetCourse),
		module.R("PUT", "/api/v1/training/courses/{id}", module.API, h.UpdateCourse),
		module.R("GET", "/api/v1/training/courses/{id}/attendance", module.API, h.ListAttendance),
		module.R("POST", "/api/v1/training/courses/{id}/attendance", module.API, h.Attend),
		module.R("POST", "/api/v1/training/courses/{id}/import", module.API, h.ImportAttendance),
		module.R("GET", "/api/v1/training/requirements", module.API, h.Requirements),
		module.R("PUT", "/api/v1/training/requirements", module.API, h.SetRequirement),
		module.R("GET", "/api/v1/training/completion", module.API, h.Completion),
		module.R("GET", "/api/v1/people/{id}/training", module.API, h.PersonTraining),
	}
}

// queryInt reads an optional whole number of the query; 0 when absent.
func queryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, api.IntField(name)
	}
	return n, nil
}

// ListCourses lists the courses the caller sees — held in its subtrees or
// above them — newest first unless sorted otherwise.
func (h *Handlers) ListCourses(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.CourseQuery{Q: v.Get("q"), Kind: v.Get("kind"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	under, err := queryInt(r, "org_id")
	if err == nil {
		var y int64
		y, err = queryInt(r, "year")
		q.Under, q.Year = under, int(y)
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, total, err := h.ppl.Courses(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows, "total": total, "next_cursor": api.NextCursor(offset, len(rows), total)})
}

// CreateCourse records a course.
func (h *Handlers) CreateCourse(w http.ResponseWriter, r *http.Request) {
	var in people.CourseInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.ppl.CreateCourse(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, c)
}

// GetCourse returns a course.
func (h *Handlers) GetCourse(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.ppl.Course(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// UpdateCourse corrects a course: every field is given again.
func (h *Handlers) UpdateCourse(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.CourseInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	c, err := h.ppl.UpdateCourse(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, c)
}

// ListAttendance lists who attended a course, among the members the caller
// reads.
func (h *Handlers) ListAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, err := h.ppl.CourseAttendance(r.Context(), api.Actor(r), id)
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

// Attend records one member's attendance of a course.
func (h *Handlers) Attend(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	var in people.AttendInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	a, err := h.ppl.Attend(r.Context(), api.Actor(r), id, in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, a)
}

// ImportAttendance checks a file of a course's attendance into an import
// session, applied with POST /api/v1/imports/{id}/apply.
func (h *Handlers) ImportAttendance(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	allowed := h.ppl.CanImportAttendance(actor)
	id, err := api.PathID(r, "id")
	if allowed == nil && err != nil {
		allowed = err
	}
	if allowed == nil {
		if _, err := h.ppl.Course(r.Context(), actor, id); err != nil {
			allowed = err
		}
	}
	h.k.Upload(w, r, allowed, func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.ppl.PrepareAttendImport(r.Context(), actor, actor.UserID, id, name, header, rows)
		out := api.ImportJSON(sess.Session)
		out["course_id"] = sess.CourseID
		return out, err
	})
}

// Import is the attendance import as POST /api/v1/imports/{id}/apply finds
// it.
func (h *Handlers) Import() api.ImportKind { return h.ppl.AttendImportApplier() }

// Requirements returns the requirements in force in an organization's
// subtree.
func (h *Handlers) Requirements(w http.ResponseWriter, r *http.Request) {
	id, err := queryInt(r, "org_id")
	if !api.Actor(r).CanAnywhere(people.PeopleRead) {
		err = errs.New(errs.Forbidden, "您没有查看培训的权限", "you may not read training records")
	} else if err == nil && id == 0 {
		err = errs.Field("org_id", "请指定党组织 org_id", "org_id is required")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, err := h.ppl.Requirements(r.Context(), api.Actor(r), id)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": rows})
}

// SetRequirement sets or clears one requirement of a subtree.
func (h *Handlers) SetRequirement(w http.ResponseWriter, r *http.Request) {
	var in people.RequirementInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	req, err := h.ppl.SetRequirement(r.Context(), api.Actor(r), in)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, req)
}

// Completion returns the completion of a subtree in a year and a page of
// those behind.
func (h *Handlers) Completion(w http.ResponseWriter, r *http.Request) {
	limit, offset, err := api.Page(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	v := r.URL.Query()
	q := people.CompletionQuery{Q: v.Get("q"), Post: v.Get("post"), Sort: v.Get("sort"), Limit: limit, Offset: offset}
	under, err := queryInt(r, "org_id")
	if !api.Actor(r).CanAnywhere(people.PeopleRead) {
		err = errs.New(errs.Forbidden, "您没有查看培训的权限", "you may not read training records")
	} else if err == nil && under == 0 {
		err = errs.Field("org_id", "请指定党组织 org_id", "org_id is required")
	}
	var y int64
	if err == nil {
		y, err = queryInt(r, "year")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	q.Under, q.Year = under, int(y)
	if q.Year == 0 {
		q.Year = h.ppl.ThisYear()
	}
	c, err := h.ppl.TrainingCompletion(r.Context(), api.Actor(r), q)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	out := map[string]any{"completion": c, "next_cursor": api.NextCursor(offset, len(c.Rows), c.Matched)}
	h.k.JSON(w, r, http.StatusOK, out)
}

// PersonTraining returns a person's training of a year against their
// requirement.
func (h *Handlers) PersonTraining(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	y, err := queryInt(r, "year")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if y == 0 {
		y = int64(h.ppl.ThisYear())
	}
	t, err := h.ppl.PersonTraining(r.Context(), api.Actor(r), id, int(y))
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, t)
}
