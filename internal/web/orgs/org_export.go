package orgs

import (
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// orgExportPage is how many organizations an export reads per query.
const orgExportPage = 5000

// OrgExport exports the children (or the whole subtree with scope=subtree)
// of an organization, with the filters of the page, to Excel.
func (h *Pages) OrgExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	v := r.URL.Query()
	q := org.ListQuery{Q: v.Get("q"), Kind: v.Get("kind"), Level: v.Get("level"), Status: v.Get("status"), Unconfirmed: v.Get("unconfirmed") == "1", Sort: v.Get("sort"), Limit: orgExportPage}
	scope := ""
	if r.PathValue("id") != "" {
		id, err := web.PathID(r, "id")
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		q.Under, q.ChildrenOnly = id, v.Get("scope") != "subtree"
	}
	// The first page checks the right to export and names the scope.
	under, first, err := h.Orgs.Export(ctx, actor, q)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	count := q
	count.Limit, count.Sort = 1, ""
	_, total, err := h.Orgs.List(ctx, actor, count)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if under.ID != 0 {
		scope = under.Label()
	}
	if scope == "" {
		scope = web.ScopeName(actor, access.OrgExport)
	}
	lang := i18n.FromRequest(r)
	list := i18n.Text{ZH: "党组织名单", EN: "organizations"}
	header := []string{"序号", "编号", "名称", "简称", "类型", "层级", "单位类别", "区划代码", "状态", "成立日期", "下辖组织数"}
	if lang == i18n.EN {
		header = []string{"No.", "ID", "Name", "Short name", "Kind", "Level", "Category", "Division code", "Status", "Founded on", "Organizations below"}
	}
	s := xlsx.Sheet{Title: scope + " " + list.In(lang), Exporter: actor.Username, Time: h.Now(),
		Header: header,
		Widths: []float64{6, 8, 36, 20, 12, 12, 12, 14, 8, 12, 10},
		Kinds:  []xlsx.Kind{xlsx.Integer, xlsx.Integer, 10: xlsx.Integer}}
	h.SendExport(w, r, web.ExportFile{Scope: scope, List: list, Filters: web.FilterText(r, "q", "scope", "kind", "level", "status", "unconfirmed"), Sheet: s, Total: total, Rows: func(yield func([]any) bool) error {
		page, i := first, 0
		for {
			for _, o := range page {
				i++
				if !yield([]any{i, o.ID, o.Name, o.ShortName, org.LabelOf(org.Kinds, o.Kind, lang), org.LabelOf(org.Levels, o.Level, lang),
					org.LabelOf(org.Categories, o.Category, lang), o.RegionCode, org.LabelOf(org.Statuses, o.Status, lang), o.FoundedOn, o.SubtreeTotal}) {
					return nil
				}
			}
			if len(page) < q.Limit {
				return nil
			}
			q.Offset += len(page)
			if _, page, err = h.Orgs.Export(ctx, actor, q); err != nil {
				return err
			}
		}
	}})
}
