package people

import (
	"bytes"
	"net/http"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/people"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// importPage is the member import's page with its breadcrumb.
func (h *Pages) importPage(r *http.Request) *web.Page {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "people", h.T(lang, "ppl.import_title"))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.people"), Href: "/people"}, {Label: p.Title}}
	return p
}

// PeopleImportForm shows the upload form of the member import.
func (h *Pages) PeopleImportForm(w http.ResponseWriter, r *http.Request) {
	if err := h.ppl.CanImportMembers(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "people_import", "layout", h.importPage(r))
}

// PeopleImportTemplate sends the member import template: the collection
// items as columns, the required ones marked, an example row and a sheet
// of notes.
func (h *Pages) PeopleImportTemplate(w http.ResponseWriter, r *http.Request) {
	if err := h.ppl.CanImportMembers(web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	req := map[string]bool{}
	for _, c := range people.MemberImportRequired {
		req[c] = true
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, people.MemberImportHeader(), req, people.MemberImportExample, people.MemberImportNotes); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName("党员信息", "导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	_, _ = w.Write(buf.Bytes())
}

// PeopleImportUpload checks an uploaded file of members and shows every
// bad row, or how many members are ready to register.
func (h *Pages) PeopleImportUpload(w http.ResponseWriter, r *http.Request) {
	p := h.importPage(r)
	actor := web.Actor(r)
	h.ImportUpload(w, r, h.tmpl, p, "people_import", h.ppl.CanImportMembers(actor), func(name string, header []string, rows [][]string) error {
		sess, err := h.ppl.PrepareMemberImport(r.Context(), actor, actor.UserID, name, header, rows)
		if err == nil {
			p.Data = sess
		}
		return err
	})
}

// PeopleImportApply registers every member of a checked file, or none.
func (h *Pages) PeopleImportApply(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	n, err := h.ppl.ApplyMemberImport(r.Context(), actor, actor.UserID, r.PathValue("id"))
	h.ImportApplied(w, r, err, "/people/import", "/people", web.Msg(lang, "已导入党员 "+web.FormatInt(n)+" 名", "Imported "+web.FormatInt(n)+" members"))
}
