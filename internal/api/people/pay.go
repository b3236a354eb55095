package people

import (
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/people"
)

// orgAndYear reads the required ?org_id= and ?year= of the pay reports.
func orgAndYear(r *http.Request) (int64, int, error) {
	if !api.Actor(r).CanAnywhere(people.PeopleRead) {
		return 0, 0, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	id, err := orgIDQuery(r)
	if err != nil {
		return 0, 0, err
	}
	var f errs.Fields
	if id == 0 {
		f.Add("org_id", "请指定党组织 org_id", "org_id is required")
	}
	y, yerr := strconv.Atoi(r.URL.Query().Get("year"))
	if yerr != nil || y < 2000 || y > 9999 {
		f.Add("year", "请指定年度 year，如 2026", "year is required, such as 2026")
	}
	return id, y, f.Err()
}

// PayCompliance checks the year's basic pay of a subtree against the floor.
func (h *Handlers) PayCompliance(w http.ResponseWriter, r *http.Request) {
	id, year, err := orgAndYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rep, err := h.ppl.PayCompliance(r.Context(), api.Actor(r), id, year)
	var page map[string]any
	if err == nil {
		// The counts are of the whole subtree; the rows a page at a time.
		page, err = api.PageOf(r, rep.Rows)
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rep.Rows = page["items"].([]people.PayRow)
	h.k.JSON(w, r, http.StatusOK, struct {
		people.PayReport
		NextCursor string `json:"next_cursor"`
	}{rep, page["next_cursor"].(string)})
}

// PayGrowth compares the average basic pay with the year before, by child
// organization.
func (h *Handlers) PayGrowth(w http.ResponseWriter, r *http.Request) {
	id, year, err := orgAndYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, err := h.ppl.PayGrowth(r.Context(), api.Actor(r), id, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": orEmpty(rows)})
}

// References lists the incomes of a year of the counties of a subtree.
func (h *Handlers) References(w http.ResponseWriter, r *http.Request) {
	id, year, err := orgAndYear(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	rows, err := h.ppl.References(r.Context(), api.Actor(r), id, year)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": orEmpty(rows)})
}

// SetReference records a county's incomes of a year.
func (h *Handlers) SetReference(w http.ResponseWriter, r *http.Request) {
	var in people.RefInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.ppl.SetReference(r.Context(), api.Actor(r), in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, in)
}

// RecordPay records a cadre's basic pay of a year.
func (h *Handlers) RecordPay(w http.ResponseWriter, r *http.Request) {
	var in people.PayInput
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.ppl.RecordPay(r.Context(), api.Actor(r), in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, in)
}

// PayFactor returns the floor's factor in force.
func (h *Handlers) PayFactor(w http.ResponseWriter, r *http.Request) {
	if !api.Actor(r).CanAnywhere(people.PeopleRead) {
		h.k.Fail(w, r, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register"))
		return
	}
	f, err := h.ppl.PayFactor(r.Context())
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"factor": f})
}

// SetPayFactor sets the floor's factor; a system administrator only.
func (h *Handlers) SetPayFactor(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Factor float64 `json:"factor"`
	}
	if err := api.Decode(w, r, &in); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.ppl.SetPayFactor(r.Context(), api.Actor(r), in.Factor); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"factor": in.Factor})
}

// ImportReferences validates an uploaded file of incomes; nothing changes
// until the session is applied.
func (h *Handlers) ImportReferences(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	h.k.Upload(w, r, h.ppl.CanManagePay(actor), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.ppl.PrepareRefImport(r.Context(), actor, actor.UserID, name, header, rows)
		return api.ImportJSON(sess), err
	})
}

// ImportPay validates an uploaded file of basic pay; nothing changes until
// the session is applied.
func (h *Handlers) ImportPay(w http.ResponseWriter, r *http.Request) {
	actor := api.Actor(r)
	h.k.Upload(w, r, h.ppl.CanManagePay(actor), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.ppl.PreparePayImport(r.Context(), actor, actor.UserID, name, header, rows)
		return api.ImportJSON(sess), err
	})
}
