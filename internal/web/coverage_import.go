package web

import (
	"bytes"
	"net/http"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/xlsx"
)

func (h *Handler) unitImportPage(r *http.Request) *Page {
	lang := i18n.FromRequest(r)
	p := h.page(r, "coverage", i18n.T(lang, "cov.import_title"))
	p.Crumbs = []Crumb{{Label: i18n.T(lang, "nav.coverage"), Href: "/coverage"}, {Label: i18n.T(lang, "cov.units_title"), Href: "/coverage/units"}, {Label: p.Title}}
	return p
}

// CoverageImportForm shows the upload form of the unit import.
func (h *Handler) CoverageImportForm(w http.ResponseWriter, r *http.Request) {
	if err := h.Coverage.CanImport(r.Context(), actorOf(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "coverage_import", "layout", h.unitImportPage(r))
}

// CoverageImportTemplate sends the unit import template.
func (h *Handler) CoverageImportTemplate(w http.ResponseWriter, r *http.Request) {
	if err := h.Coverage.CanImport(r.Context(), actorOf(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	req := map[string]bool{}
	for _, c := range coverage.ImportRequired {
		req[c] = true
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, coverage.ImportHeader(), req, coverage.ImportExample, coverage.ImportNotes); err != nil {
		h.fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("两新组织", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

// CoverageImportUpload validates an uploaded file of units and shows every
// bad row, or the number of rows ready to import.
func (h *Handler) CoverageImportUpload(w http.ResponseWriter, r *http.Request) {
	h.importUpload(w, r, h.unitImportPage(r), "coverage_import", h.Coverage.CanImport(r.Context(), actorOf(r)), func(name string, header []string, rows [][]string) (any, error) {
		return h.Coverage.PrepareImport(r.Context(), actorOf(r), actorOf(r).UserID, name, header, rows)
	})
}

// CoverageImportApply registers every unit of a validated session, or none.
func (h *Handler) CoverageImportApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	actor := actorOf(r)
	n, err := h.Coverage.ApplyImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	if errs.Is(err, errs.Forbidden) {
		h.fail(w, r, err)
		return
	}
	if err != nil {
		h.redirect(w, r, "/coverage/units/import", "err", errMessage(err, lang))
		return
	}
	h.redirect(w, r, "/coverage/units?sort=-created", "ok", msg(lang, "已导入 "+formatInt(n)+" 个两新组织", "Imported "+formatInt(n)+" units"))
}
