package evaluation

import (
	"io"
	"net/http"
	"strconv"

	"jiceng/internal/api"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/xlsx"
)

// ImportCampaignSubjects validates an uploaded list of subjects (.xlsx or
// .csv, multipart field "file" or the raw body) for a draft campaign and
// returns the import session with every bad row, like the unit import;
// nothing changes until POST /api/v1/imports/{id}/apply.
func (h *Handlers) ImportCampaignSubjects(w http.ResponseWriter, r *http.Request) {
	id, err := api.PathID(r, "id")
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	actor := api.Actor(r)
	h.k.Upload(w, r, h.eval.CanImportSubjects(r.Context(), actor, id), func(name string, header []string, rows [][]string) (map[string]any, error) {
		sess, err := h.eval.PrepareSubjectImport(r.Context(), actor, actor.UserID, id, name, header, rows)
		out := api.ImportJSON(sess.Session)
		out["campaign_id"] = sess.CampaignID
		return out, err
	})
}

// subjectPath reads the campaign and subject ids of a subject's route.
func subjectPath(r *http.Request) (int64, int64, error) {
	id, err := api.PathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	sid, err := api.PathID(r, "sid")
	if err != nil {
		return 0, 0, err
	}
	return id, sid, nil
}

// SubjectFiles lists the report files of a subject, without their bytes.
func (h *Handlers) SubjectFiles(w http.ResponseWriter, r *http.Request) {
	id, sid, err := subjectPath(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	files, err := h.eval.SubjectFiles(r.Context(), api.Actor(r), id, sid)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if files == nil {
		files = []evaluation.SubjectFile{}
	}
	h.k.JSON(w, r, http.StatusOK, map[string]any{"items": files})
}

// AttachSubjectFiles uploads report files (multipart field "file", one or
// more) of a subject of a draft campaign; all or none.
func (h *Handlers) AttachSubjectFiles(w http.ResponseWriter, r *http.Request) {
	id, sid, err := subjectPath(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if err := h.eval.CanAttachFiles(r.Context(), api.Actor(r), id, sid); err != nil {
		h.k.Fail(w, r, err) // before the body is read
		return
	}
	ups, err := evaluation.ReadReportUploads(w, r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	files, err := h.eval.AttachFiles(r.Context(), api.Actor(r), id, sid, ups)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	h.k.JSON(w, r, http.StatusCreated, map[string]any{"items": files})
}

// SubjectFile sends the bytes of a report file with its content type.
func (h *Handlers) SubjectFile(w http.ResponseWriter, r *http.Request) {
	id, sid, err := subjectPath(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	fl, content, err := h.eval.File(r.Context(), api.Actor(r), id, r.PathValue("fid"))
	if err == nil && fl.SubjectID != sid {
		err = errs.New(errs.NotFound, "文件不存在或已删除", "file not found or removed")
	}
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", fl.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", xlsx.Disposition("attachment", fl.Name, "report"))
	w.Header().Set("Content-Length", strconv.FormatInt(fl.Size, 10))
	w.WriteHeader(http.StatusOK)
	// The status is sent: a read that fails now can only cut the body short.
	if _, err := io.Copy(w, content); err != nil {
		h.k.Log(r, "report file cut short", err)
	}
}

// RemoveSubjectFile deletes a report file of a subject of a draft campaign.
func (h *Handlers) RemoveSubjectFile(w http.ResponseWriter, r *http.Request) {
	id, sid, err := subjectPath(r)
	if err != nil {
		h.k.Fail(w, r, err)
		return
	}
	if _, err := h.eval.RemoveFile(r.Context(), api.Actor(r), id, sid, r.PathValue("fid")); err != nil {
		h.k.Fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
