package web

import (
	"net/http"
	"strconv"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
)

// fileErrorKey is the key under which the campaign page shows an upload
// problem next to the subject's upload form.
func fileErrorKey(subjectID int64) string { return "file-" + strconv.FormatInt(subjectID, 10) }

// EvalAttachFiles uploads report files (PDF or images) of one subject of a
// draft campaign.
func (h *Handler) EvalAttachFiles(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	// The right comes first: the request is read only for those who may
	// attach files.
	err = h.Eval.CanAttachFiles(r.Context(), actorOf(r), id, sid)
	var ups []evaluation.Upload
	if err == nil {
		ups, err = evaluation.ReadReportUploads(w, r)
	}
	var files []evaluation.SubjectFile
	if err == nil {
		files, err = h.Eval.AttachFiles(r.Context(), actorOf(r), id, sid, ups)
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
			p := h.evaPage(r, "", Crumb{})
			p.Crumbs = p.Crumbs[:1]
			if _, ok := h.evaLoad(w, r, p); !ok {
				return
			}
			p.Errors[fileErrorKey(sid)] = text
			p.Flash = &Flash{Kind: "err", Text: text}
			h.render(w, r, Status(e.Kind), "eval_admin_show", "layout", p)
		case errs.Conflict:
			h.redirect(w, r, evaHref(id, ""), "err", e.Message(lang))
		default:
			h.fail(w, r, err)
		}
		return
	}
	n := strconv.Itoa(len(files))
	h.redirect(w, r, evaHref(id, "#files-"+strconv.FormatInt(sid, 10)), "ok", msg(lang, "已上传 "+n+" 个述职报告文件", "Uploaded "+n+" report files"))
}

// EvalRemoveFile deletes a report file of a draft campaign.
func (h *Handler) EvalRemoveFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	fl, err := h.Eval.RemoveFile(r.Context(), actorOf(r), id, sid, r.PathValue("fid"))
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.NotFound {
			h.redirect(w, r, evaHref(id, ""), "err", errMessage(err, lang))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, evaHref(id, "#files-"+strconv.FormatInt(fl.SubjectID, 10)), "ok", msg(lang, "已删除“"+fl.Name+"”", "Removed "+fl.Name))
}

// EvalFile shows a report file to those who may read the campaign, also
// while it is a draft.
func (h *Handler) EvalFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fl, content, err := h.Eval.File(r.Context(), actorOf(r), id, r.PathValue("fid"))
	if err != nil {
		h.fail(w, r, err)
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
