package accounts

import (
	"net/http"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// UserExport exports the user list.
func (h *Pages) UserExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	rows, _, err := h.accounts.List(r.Context(), actor, r.URL.Query().Get("q"), web.ExportFetch, 0)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	linked, err := h.linkedPersons(r.Context(), actor, rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	scope := web.ScopeName(actor, access.UserRead)
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "用户", EN: "users"}
	header := []string{"序号", "用户名", "姓名", "所属党组织", "角色", "状态", "最近登录", "关联人员"}
	if lang == i18n.EN {
		header = []string{"No.", "Username", "Name", "Home organization", "Roles", "Status", "Last login", "Linked person"}
	}
	s := xlsx.Sheet{Title: scope + " " + list.In(lang), Exporter: actor.Username, Time: h.Now(),
		Header: header, Widths: []float64{6, 16, 14, 24, 50, 8, 18, 28}, Kinds: []xlsx.Kind{xlsx.Integer}}
	h.SendXLSX(w, r, scope, list, web.FilterText(r, "q"), s, func(yield func([]any) bool) {
		for i, u := range rows {
			var roles []string
			for _, g := range u.Grants {
				roles = append(roles, access.RoleLabel(g.Role).In(lang)+"@"+g.OrgName)
			}
			status := h.T(lang, "users.disabled")
			if u.Status == "active" {
				status = h.T(lang, "users.active")
			}
			if !yield([]any{i + 1, u.Username, u.DisplayName, u.HomeOrgName, strings.Join(roles, web.Msg(lang, "；", "; ")), status, web.LocalTime(u.LastLoginAt, "2006-01-02 15:04"), linked[u.ID].Label(lang)}) {
				return
			}
		}
	})
}
