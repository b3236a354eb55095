package web

import (
	"bytes"
	"net/http"
	"path/filepath"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// ImportForm shows the upload form and the template link.
func (h *Handler) ImportForm(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "import", i18n.T(i18n.FromRequest(r), "import.title"))
	h.render(w, r, http.StatusOK, "import", "layout", p)
}

// ImportTemplate sends the organization import template.
func (h *Handler) ImportTemplate(w http.ResponseWriter, r *http.Request) {
	header := append(append([]string{}, org.ImportRequired...), org.ImportOptional...)
	req := map[string]bool{"名称": true, "类型": true}
	example := []string{"南宁市某某科技有限公司党支部", "党支部", "某某科技党支部", "", "450102001", "450102001", "非公企业", "2020-07-01", ""}
	notes := [][2]string{{"名称", "党组织全称，最多 100 字"}, {"类型", "党委、党工委、党总支、党支部、联合党支部、临时党支部"},
		{"上级党组织编号", "系统中的党组织编号（在党组织详情页可见）；与“上级区划代码”二选一"}, {"上级区划代码", "上级党组织所对应的行政区划代码，如 450102001（民生街道）"},
		{"区划代码", "本组织所在的行政区划代码（可选），须在上级组织的区域内"}, {"单位类别", "机关、事业单位、国有企业、非公企业、社会组织、农村、社区、学校、其他"},
		{"成立日期", "格式 2006-01-02"}}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, header, req, example, notes); err != nil {
		h.fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("党组织", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

// ImportUpload validates an uploaded file and shows every bad row, or the
// rows ready to import.
func (h *Handler) ImportUpload(w http.ResponseWriter, r *http.Request) {
	p := h.page(r, "import", i18n.T(i18n.FromRequest(r), "import.title"))
	r.Body = http.MaxBytesReader(w, r.Body, xlsx.MaxUpload+64<<10)
	file, fh, err := r.FormFile("file")
	if err != nil {
		e := errs.New(errs.Invalid, "请选择要上传的 Excel（.xlsx）或 CSV 文件", "choose an Excel (.xlsx) or CSV file to upload")
		if _, ok := err.(*http.MaxBytesError); ok {
			e = errs.New(errs.TooLarge, "文件超过 10 MB 上限，请拆分后分批导入", "the file exceeds the 10 MB limit: split it")
		}
		p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
		h.render(w, r, Status(e.Kind), "import", "layout", p)
		return
	}
	defer file.Close()
	header, rows, err := xlsx.Read(file)
	var sess org.ImportSession
	if err == nil {
		sess, err = h.Orgs.PrepareImport(r.Context(), actorOf(r), actorOf(r).UserID, filepath.Base(fh.Filename), header, rows)
	}
	if err != nil {
		e := errs.As(err)
		p.Flash = &Flash{Kind: "err", Text: e.Message(p.Lang)}
		h.render(w, r, Status(e.Kind), "import", "layout", p)
		return
	}
	p.Data = sess
	h.render(w, r, http.StatusOK, "import", "layout", p)
}

// ImportApply applies a validated session: all rows or none.
func (h *Handler) ImportApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	n, err := h.Orgs.ApplyImport(r.Context(), actorOf(r), actorOf(r).UserID, r.PathValue("id"))
	if err != nil {
		h.redirect(w, r, "/import", "err", errMessage(err, lang))
		return
	}
	h.redirect(w, r, "/orgs?sort=-created", "ok", msg(lang, "已导入 "+formatInt(n)+" 个党组织", "Imported "+formatInt(n)+" organizations"))
}
