package evaluation

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// MaxReportUpload caps one upload request of report files: two PDFs at
// their limit, or a few pages of photos, with room for the form.
const MaxReportUpload = 2*MaxReportPDF + 1<<20

// CanAttachFiles reports whether actor may attach report files to the
// subject: it must manage the campaign, a draft, and the subject must be
// one of it. Upload handlers call it before they read the request, so that
// an account without the right cannot make the server take in 20 MB;
// AttachFiles checks again in its transaction.
func (s *Service) CanAttachFiles(ctx context.Context, actor access.Actor, campaignID, subjectID int64) error {
	if _, err := s.draftCampaign(ctx, actor, campaignID); err != nil {
		return err
	}
	_, err := subjectOf(ctx, s.db, campaignID, subjectID)
	return err
}

func errUploadTooLarge() error {
	return errs.New(errs.TooLarge, "一次上传的文件合计不能超过 20 MB，请分几次上传", "the files of one upload may total at most 20 MB: upload them in turns")
}

func errChooseReport() error {
	return errs.Field("file", "请选择要上传的述职报告文件（PDF，或 PNG、JPEG 图片）", "choose the report files to upload (PDF, or PNG or JPEG images)")
}

// ReadReportUploads reads the files of the multipart field "file" of an
// upload request, for the page and the API alike, capping the request at
// MaxReportUpload. The body is streamed part by part: each file is read
// once (not buffered by ParseMultipartForm first) and no more than
// MaxReportFiles files are taken, so that one request holds at most
// MaxReportUpload bytes. Each file's own limit and type are checked by
// AttachFiles, which can then say how big a refused file is; call
// CanAttachFiles first.
func ReadReportUploads(w http.ResponseWriter, r *http.Request) ([]Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxReportUpload)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, errChooseReport()
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errChooseReport()
	}
	var out []Upload
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, readError(err)
		}
		if p.FormName() != "file" {
			p.Close()
			continue
		}
		name := p.FileName()
		data, err := io.ReadAll(p)
		p.Close()
		if err != nil {
			return nil, readError(err)
		}
		if name == "" && len(data) == 0 {
			continue // a file input left empty
		}
		if len(out) == MaxReportFiles {
			return nil, errs.Field("file", "一次最多上传 9 个文件，请分几次上传", "at most 9 files can be uploaded at once: upload them in turns")
		}
		out = append(out, Upload{Name: name, Data: data})
	}
}

// readError turns a request cut at its cap into the size message, and any
// other broken body into the request to choose the files again.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errUploadTooLarge()
	}
	return errChooseReport()
}
