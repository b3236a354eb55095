package orgs

import (
	"bytes"
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// ImportForm shows the upload form and the template link.
func (h *Pages) ImportForm(w http.ResponseWriter, r *http.Request) {
	if err := h.Orgs.CanImport(r.Context(), web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "import", h.T(i18n.FromRequest(r), "import.title"))
	h.render(w, r, http.StatusOK, "import", "layout", p)
}

// ImportTemplate sends the organization import template.
func (h *Pages) ImportTemplate(w http.ResponseWriter, r *http.Request) {
	if err := h.Orgs.CanImport(r.Context(), web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	header := append(append([]string{}, org.ImportRequired...), org.ImportOptional...)
	req := map[string]bool{"名称": true, "类型": true}
	example := []string{"南宁市某某科技有限公司党支部", "党支部", "某某科技党支部", "", "450102001", "450102001", "非公企业", "2020-07-01", ""}
	notes := [][2]string{{"名称", "党组织全称，最多 100 字"}, {"类型", "党委、党工委、党总支、党支部、联合党支部、临时党支部"},
		{"上级党组织编号", "系统中的党组织编号（在党组织详情页可见）；与“上级区划代码”二选一"}, {"上级区划代码", "上级党组织所对应的行政区划代码，如 450102001（民生街道）"},
		{"区划代码", "本组织所在的行政区划代码（可选），须在上级组织的区域内"}, {"单位类别", "机关、事业单位、国有企业、非公企业、社会组织、农村、社区、学校、其他"},
		{"成立日期", "格式 2006-01-02"}}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, header, req, example, notes); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("党组织", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

// ImportUpload validates an uploaded file and shows every bad row, or the
// rows ready to import.
func (h *Pages) ImportUpload(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "import", h.T(i18n.FromRequest(r), "import.title"))
	h.Kit.ImportUpload(w, r, h.tmpl, p, "import", h.Orgs.CanImport(r.Context(), web.Actor(r)), func(name string, header []string, rows [][]string) error {
		sess, err := h.Orgs.PrepareImport(r.Context(), web.Actor(r), web.Actor(r).UserID, name, header, rows)
		if err == nil {
			p.Data = sess
		}
		return err
	})
}

// ImportApply applies a validated session: all rows or none.
func (h *Pages) ImportApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	n, err := h.Orgs.ApplyImport(r.Context(), web.Actor(r), web.Actor(r).UserID, r.PathValue("id"))
	h.ImportApplied(w, r, err, "/import", "/orgs?sort=-created", web.Msg(lang, "已导入 "+web.FormatInt(n)+" 个党组织", "Imported "+web.FormatInt(n)+" organizations"))
}
