package audit

import (
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

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
		Header: header, Widths: []float64{6, 18, 14, 16, 24, 50, 40, 40}, Kinds: []xlsx.Kind{xlsx.Integer, 4: xlsx.Wrap, 5: xlsx.Wrap, 6: xlsx.Wrap, 7: xlsx.Wrap}}
	h.SendExport(w, r, web.ExportFile{Scope: scope, List: list, Filters: web.FilterText(r, "q", "actor", "action", "target_type", "target_id", "from", "to"), Sheet: s, Total: total, Rows: func(yield func([]any) bool) error {
		i := 0
		return log.Each(ctx, actor, q, func(e audit.Record) bool {
			i++
			return yield([]any{i, web.LocalTime(e.At, "2006-01-02 15:04:05"), e.ActorName, h.T(lang, "action."+e.Action), target(h, lang, e), e.SummaryIn(lang), string(e.Before), string(e.After)})
		})
	}})
}

// target names an entry's target as the log's page does: its name and
// what it is, or what it is and its id when it has no name.
func target(h *Pages, lang string, e audit.Record) string {
	kind := h.T(lang, "audit.type_"+e.TargetType)
	if e.TargetName != "" {
		return e.TargetName + "（" + kind + " " + e.TargetID + "）"
	}
	return kind + " " + e.TargetID
}
