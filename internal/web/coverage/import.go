package coverage

import (
	"bytes"
	"net/http"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

func (h *Pages) unitImportPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "coverage", h.T(lang, "cov.import_title"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.coverage"), Href: "/coverage"}, {Label: h.T(lang, "cov.units_title"), Href: "/coverage/units"}, {Label: p.Title}}
	return p
}

// CoverageImportForm shows the upload form of the unit import.
func (h *Pages) CoverageImportForm(w http.ResponseWriter, r *http.Request) {
	if err := h.cov.CanImport(r.Context(), web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "coverage_import", "layout", h.unitImportPage(r))
}

// CoverageImportTemplate sends the unit import template.
func (h *Pages) CoverageImportTemplate(w http.ResponseWriter, r *http.Request) {
	if err := h.cov.CanImport(r.Context(), web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	req := map[string]bool{}
	for _, c := range coverage.ImportRequired {
		req[c] = true
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, coverage.ImportHeader(), req, coverage.ImportExample, coverage.ImportNotes); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("两新组织", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

// CoverageImportUpload validates an uploaded file of units and shows every
// bad row, or the number of rows ready to import.
func (h *Pages) CoverageImportUpload(w http.ResponseWriter, r *http.Request) {
	p := h.unitImportPage(r)
	h.ImportUpload(w, r, h.tmpl, p, "coverage_import", h.cov.CanImport(r.Context(), web.Actor(r)), func(name string, header []string, rows [][]string) error {
		sess, err := h.cov.PrepareImport(r.Context(), web.Actor(r), web.Actor(r).UserID, name, header, rows)
		if err == nil {
			p.Data = sess
		}
		return err
	})
}

// CoverageImportApply registers every unit of a validated session, or none.
func (h *Pages) CoverageImportApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	n, err := h.cov.ApplyImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	h.ImportApplied(w, r, err, "/coverage/units/import", "/coverage/units?sort=-created", web.Msg(lang, "已导入 "+web.FormatInt(n)+" 个两新组织", "Imported "+web.FormatInt(n)+" units"))
}
