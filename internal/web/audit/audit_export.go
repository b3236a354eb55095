package audit

import (
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// targetLabel names the kind of an entry's target in lang ("党组织", "用户"),
// or gives its code when it has no name yet.
func (h *Pages) targetLabel(lang, typ string) string {
	key := "target." + typ
	if t := h.T(lang, key); t != key {
		return t
	}
	return typ
}

// AuditExport exports the filtered audit log, every entry in scope, read a
// page at a time.
func (h *Pages) AuditExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	q, err := auditQuery(r)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	log := h.Orgs.Audit()
	total, err := log.Count(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	scope := web.ScopeName(actor, access.AuditRead)
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "审计日志", EN: "audit log"}
	header := []string{"序号", "时间", "操作人", "操作", "对象", "摘要", "修改前", "修改后"}
	if lang == i18n.EN {
		header = []string{"No.", "Time", "Actor", "Action", "Target", "Summary", "Before", "After"}
	}
	s := xlsx.Sheet{Title: scope + " " + list.In(lang), Exporter: actor.Username, Time: h.Now(),
		Header: header, Widths: []float64{6, 18, 14, 16, 16, 50, 40, 40}, Kinds: []xlsx.Kind{xlsx.Integer, 5: xlsx.Wrap, 6: xlsx.Wrap, 7: xlsx.Wrap}}
	h.SendExport(w, r, web.ExportFile{Scope: scope, List: list, Filters: web.FilterText(r, "q", "actor", "action", "target_type", "target_id", "from", "to"), Sheet: s, Total: total, Rows: func(yield func([]any) bool) error {
		i := 0
		return log.Each(ctx, actor, q, func(e audit.Record) bool {
			i++
			return yield([]any{i, web.LocalTime(e.At, "2006-01-02 15:04:05"), e.ActorName, h.T(lang, "action."+e.Action), h.targetLabel(lang, e.TargetType) + " " + e.TargetID, e.SummaryIn(lang), string(e.Before), string(e.After)})
		})
	}})
}
