package web

import (
	"bytes"
	"iter"
	"net/http"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// maxExportRows bounds one export; larger lists should be filtered first.
const maxExportRows = 200000

func (h *Handler) sendXLSX(w http.ResponseWriter, r *http.Request, scope, list string, s xlsx.Sheet, rows iter.Seq[[]any]) {
	var buf bytes.Buffer
	if err := xlsx.Write(&buf, s, rows); err != nil {
		h.fail(w, r, errs.Wrap(err, "export"))
		return
	}
	_, cd := xlsx.FileName(scope, list, h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

func filterText(r *http.Request, keys ...string) string {
	var parts []string
	for _, k := range keys {
		if v := r.URL.Query().Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "筛选：" + strings.Join(parts, "；")
}

// OrgExport exports the children (or the whole subtree with scope=subtree)
// of an organization, with the filters of the page, to Excel.
func (h *Handler) OrgExport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	v := r.URL.Query()
	q := org.ListQuery{Q: v.Get("q"), Kind: v.Get("kind"), Level: v.Get("level"), Status: v.Get("status"), Unconfirmed: v.Get("unconfirmed") == "1", Sort: v.Get("sort"), Limit: maxExportRows}
	scopeName := ""
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		q.Under, q.ChildrenOnly = id, v.Get("scope") != "subtree"
	}
	under, rows, err := h.Orgs.Export(r.Context(), actor, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if under.ID != 0 {
		scopeName = under.Label()
	}
	if scopeName == "" && len(actor.Grants) > 0 {
		scopeName = actor.Grants[0].OrgName
	}
	lang := i18n.FromRequest(r)
	list := msg(lang, "党组织名单", "organizations")
	s := xlsx.Sheet{Title: scopeName + " " + list, Filters: filterText(r, "q", "scope", "kind", "level", "status", "unconfirmed"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "编号", "名称", "简称", "类型", "层级", "单位类别", "区划代码", "状态", "成立日期", "下辖组织数"},
		Widths: []float64{6, 8, 36, 20, 12, 12, 12, 14, 8, 12, 10}}
	h.sendXLSX(w, r, scopeName, list, s, func(yield func([]any) bool) {
		for i, o := range rows {
			if !yield([]any{i + 1, o.ID, o.Name, o.ShortName, org.LabelOf(org.Kinds, o.Kind, ""), org.LabelOf(org.Levels, o.Level, ""),
				org.LabelOf(org.Categories, o.Category, ""), o.RegionCode, org.LabelOf(org.Statuses, o.Status, ""), o.FoundedOn, o.SubtreeTotal}) {
				return
			}
		}
	})
}

// AuditExport exports the filtered audit log.
func (h *Handler) AuditExport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	q, err := auditQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q.Limit = maxExportRows
	rows, _, err := audit.List(r.Context(), h.Orgs.DB(), actor, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scope := ""
	if len(actor.Grants) > 0 {
		scope = actor.Grants[0].OrgName
	}
	s := xlsx.Sheet{Title: scope + " 审计日志", Filters: filterText(r, "q", "actor", "action", "from", "to"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "时间", "操作人", "操作", "对象", "摘要", "修改前", "修改后"}, Widths: []float64{6, 18, 14, 14, 14, 50, 40, 40}}
	h.sendXLSX(w, r, scope, "审计日志", s, func(yield func([]any) bool) {
		for i, e := range rows {
			if !yield([]any{i + 1, localTime(e.At, "2006-01-02 15:04:05"), e.ActorName, e.Action, e.TargetType + " " + e.TargetID, e.Summary, string(e.Before), string(e.After)}) {
				return
			}
		}
	})
}

// UserExport exports the user list.
func (h *Handler) UserExport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	rows, _, err := h.Accounts.List(r.Context(), actor, r.URL.Query().Get("q"), maxExportRows, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scope := ""
	if len(actor.Grants) > 0 {
		scope = actor.Grants[0].OrgName
	}
	s := xlsx.Sheet{Title: scope + " 用户", Filters: filterText(r, "q"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "用户名", "姓名", "所属党组织", "角色", "状态", "最近登录"}, Widths: []float64{6, 16, 14, 24, 50, 8, 18}}
	h.sendXLSX(w, r, scope, "用户", s, func(yield func([]any) bool) {
		for i, u := range rows {
			var roles []string
			for _, g := range u.Grants {
				zh, _ := access.RoleLabel(g.Role)
				roles = append(roles, zh+"@"+g.OrgName)
			}
			if !yield([]any{i + 1, u.Username, u.DisplayName, u.HomeOrgName, strings.Join(roles, "；"), u.Status, localTime(u.LastLoginAt, "2006-01-02 15:04")}) {
				return
			}
		}
	})
}
