package evaluation

import (
	"net/http"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// fileErrorKey is the key under which the campaign page shows an upload
// problem next to the subject's upload form.
func fileErrorKey(subjectID int64) string { return "file-" + strconv.FormatInt(subjectID, 10) }

// EvalAttachFiles uploads report files (PDF or images) of one subject of a
// draft campaign.
func (h *Pages) EvalAttachFiles(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sid, err := web.PathID(r, "sid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	// The right comes first: the request is read only for those who may
	// attach files.
	err = h.eval.CanAttachFiles(r.Context(), web.Actor(r), id, sid)
	var ups []evaluation.Upload
	if err == nil {
		ups, err = evaluation.ReadReportUploads(w, r)
	}
	var files []evaluation.SubjectFile
	if err == nil {
		files, err = h.eval.AttachFiles(r.Context(), web.Actor(r), id, sid, ups)
	}
	if err != nil {
		e := errs.As(err)
		switch e.Kind {
		case errs.Invalid, errs.TooLarge:
			// Every refused file is named next to the subject's form.
			text := e.Message(lang)
			for i, d := range e.Details {
				if i > 0 {
					text += "；" + d.Message(lang)
				}
			}
			p := h.evaPage(r, "", web.Crumb{})
			p.Crumbs = p.Crumbs[:1]
			if _, ok := h.evaLoad(w, r, p); !ok {
				return
			}
			p.Errors[fileErrorKey(sid)] = text
			p.Flash = &web.Flash{Kind: "err", Text: text}
			h.render(w, r, web.Status(e.Kind), "eval_admin_show", "layout", p)
		case errs.Conflict:
			h.Redirect(w, r, evaHref(id, ""), "err", e.Message(lang))
		default:
			h.Fail(w, r, err)
		}
		return
	}
	n := strconv.Itoa(len(files))
	h.Redirect(w, r, evaHref(id, "#files-"+strconv.FormatInt(sid, 10)), "ok", web.Msg(lang, "已上传 "+n+" 个述职报告文件", "Uploaded "+n+" report files"))
}

// EvalRemoveFile deletes a report file of a draft campaign.
func (h *Pages) EvalRemoveFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	sid, err := web.PathID(r, "sid")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	fl, err := h.eval.RemoveFile(r.Context(), web.Actor(r), id, sid, r.PathValue("fid"))
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.NotFound {
			h.Redirect(w, r, evaHref(id, ""), "err", web.ErrMessage(err, lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, evaHref(id, "#files-"+strconv.FormatInt(fl.SubjectID, 10)), "ok", web.Msg(lang, "已删除“"+fl.Name+"”", "Removed "+fl.Name))
}

// EvalFile shows a report file to those who may read the campaign, also
// while it is a draft.
func (h *Pages) EvalFile(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	fl, content, err := h.eval.File(r.Context(), web.Actor(r), id, r.PathValue("fid"))
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	serveReportContent(w, r, fl, content)
}

func extOf(contentType string) string {
	switch contentType {
	case evaluation.TypePDF:
		return ".pdf"
	case evaluation.TypePNG:
		return ".png"
	}
	return ".jpg"
}
