package evaluation

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/imports"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// evaImport is the subject import page of a campaign: the upload form and,
// after an upload, the rows ready to add or the problems of the file.
type evaImport struct {
	C         evaluation.Campaign
	Draft     bool
	CanManage bool
	Sess      *evaluation.SubjectImport
	Rows      []evaImportRow
}

// evaImportRow is one row ready to add, as the preview shows it.
type evaImportRow struct {
	Line                             int
	Org                              bool
	Name, Post, Unit, Section, Group string
	Report                           int // characters of the report text
}

// evaImportPage loads the campaign of an import page, which only its
// managers may see (the form, the template and the upload alike); it
// answers the client itself when that fails.
func (h *Pages) evaImportPage(w http.ResponseWriter, r *http.Request) (*web.Page, *evaImport, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	c, err := h.eval.CheckManage(r.Context(), web.Actor(r), id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, nil, false
	}
	lang := i18n.FromRequest(r)
	title := h.T(lang, "eva.import_title")
	p := h.evaPage(r, title, web.Crumb{Label: c.Name, Href: evaHref(id, "")}, web.Crumb{Label: title})
	p.ScopeName = c.OwnerName
	// CheckManage has shown that the actor manages the campaign.
	v := &evaImport{C: c, Draft: c.Status == evaluation.StatusDraft, CanManage: true}
	p.Data = v
	return p, v, true
}

// EvalImportForm shows the upload form of the subject import.
func (h *Pages) EvalImportForm(w http.ResponseWriter, r *http.Request) {
	if p, _, ok := h.evaImportPage(w, r); ok {
		h.render(w, r, http.StatusOK, "eval_admin_import", "layout", p)
	}
}

// EvalImportTemplate sends the subject import template of a campaign: its
// notes list the campaign's rater groups.
func (h *Pages) EvalImportTemplate(w http.ResponseWriter, r *http.Request) {
	_, v, ok := h.evaImportPage(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := xlsx.Template(&buf, evaluation.SubjectImportHeader, evaluation.SubjectImportRequired,
		evaluation.SubjectImportExample(v.C), evaluation.SubjectImportNotes(v.C)); err != nil {
		h.Fail(w, r, errs.Wrap(err, "template"))
		return
	}
	_, cd := xlsx.FileName(v.C.Name, "测评对象导入模板", h.Now())
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", cd)
	w.Write(buf.Bytes())
}

// EvalImportUpload validates an uploaded list of subjects and shows the
// rows ready to add, or every bad row.
func (h *Pages) EvalImportUpload(w http.ResponseWriter, r *http.Request) {
	p, v, ok := h.evaImportPage(w, r)
	if !ok {
		return
	}
	actor := web.Actor(r)
	// The right to import comes first: the file is read only for those who
	// may use it.
	h.ImportUpload(w, r, h.tmpl, p, "eval_admin_import", h.eval.CanImportSubjects(r.Context(), actor, v.C.ID), func(name string, header []string, rows [][]string) error {
		sess, err := h.eval.PrepareSubjectImport(r.Context(), actor, actor.UserID, v.C.ID, name, header, rows)
		if err == nil {
			v.Sess = &sess
			v.Rows = importPreview(v.C, sess)
		}
		return err
	})
}

// importPreview lists the rows of a ready session with group names.
func importPreview(c evaluation.Campaign, sess evaluation.SubjectImport) []evaImportRow {
	out := make([]evaImportRow, len(sess.Rows))
	for i, in := range sess.Rows {
		names := make([]string, len(in.Groups))
		for j, g := range in.Groups {
			names[j] = c.Rules.GroupName(g)
		}
		out[i] = evaImportRow{Line: sess.Lines[i], Org: in.Kind == evaluation.SubjectOrg, Name: in.Name, Post: in.Post, Unit: in.Unit,
			Section: in.Section, Group: strings.Join(names, "、"), Report: utf8.RuneCountInString(in.ReportText)}
	}
	return out
}

// EvalImportApply adds every subject of a validated session, or none.
func (h *Pages) EvalImportApply(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	// The right to import into the campaign comes before the session, so
	// that a reader is refused whatever session it names.
	if err := h.eval.CanImportSubjects(r.Context(), actor, id); err != nil {
		if k := errs.KindOf(err); k == errs.NotFound || k == errs.Forbidden || k == errs.Internal {
			h.Fail(w, r, err)
			return
		}
		h.Redirect(w, r, evaHref(id, "/subjects/import"), "err", web.ErrMessage(err, lang))
		return
	}
	// A session belongs to the campaign it was uploaded for: applied through
	// another campaign's address it is not found, rather than filling the
	// campaign the address does not name.
	if s, err := h.eval.LoadSubjectImport(r.Context(), actor.UserID, r.PathValue("sid")); err == nil && s.CampaignID != id {
		h.Fail(w, r, imports.NotFound())
		return
	}
	sess, err := h.eval.ApplySubjectImport(r.Context(), actor, actor.UserID, r.PathValue("sid"))
	n := web.FormatInt(len(sess.Rows))
	h.ImportApplied(w, r, err, evaHref(id, "/subjects/import"), evaHref(sess.CampaignID, "#subjects"),
		web.Msg(lang, "已从 "+sess.FileName+" 导入 "+n+" 个测评对象", "Imported "+n+" subjects from "+sess.FileName))
}
