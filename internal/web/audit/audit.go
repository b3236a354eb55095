package audit

import (
	"net/http"
	"time"

	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// auditQuery reads the audit filters from the URL; dates are Shanghai days.
func auditQuery(r *http.Request) (audit.Query, error) {
	v := r.URL.Query()
	q := audit.Query{Actor: v.Get("actor"), Action: v.Get("action"), TargetType: v.Get("target_type"), TargetID: v.Get("target_id"), Q: v.Get("q")}
	day := func(s string, next bool) (string, error) {
		if s == "" {
			return "", nil
		}
		t, err := time.ParseInLocation("2006-01-02", s, org.Shanghai)
		if err != nil {
			return "", errs.Field("from", "日期应写成 年-月-日，例如 2024-07-01", "write dates as year-month-day, e.g. 2024-07-01")
		}
		if next {
			t = t.AddDate(0, 0, 1)
		}
		return db.FormatTime(t), nil
	}
	var err error
	if q.From, err = day(v.Get("from"), false); err != nil {
		return q, err
	}
	q.To, err = day(v.Get("to"), true)
	return q, err
}

// Audit lists the audit log of the user's scope with filters.
func (h *Pages) Audit(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "audit", h.T(i18n.FromRequest(r), "audit.title"))
	l := web.ListFrom(r, "")
	q, err := auditQuery(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	q.Limit, q.Offset = l.Per, l.Offset()
	rows, total, err := h.Orgs.Audit().List(r.Context(), web.Actor(r), q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = total
	p.Form = r.URL.Query()
	p.Data = map[string]any{"Rows": rows, "List": l, "Actions": h.actionGroups(p.Lang)}
	h.render(w, r, http.StatusOK, "audit", "layout", p)
}
