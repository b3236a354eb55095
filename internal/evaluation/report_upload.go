package evaluation

import (
	"errors"
	"io"
	"net/http"

	"jiceng/internal/errs"
)

// MaxReportUpload caps one upload request of report files: two PDFs at
// their limit, or a few pages of photos, with room for the form.
const MaxReportUpload = 2*MaxReportPDF + 1<<20

// ReadReportUploads reads the files of the multipart field "file" of an
// upload request, for the page and the API alike, capping the request at
// MaxReportUpload. Each file's limit is checked by AttachFiles.
func ReadReportUploads(w http.ResponseWriter, r *http.Request) ([]Upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxReportUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errs.New(errs.TooLarge, "一次上传的文件合计不能超过 20 MB，请分几次上传", "the files of one upload may total at most 20 MB: upload them in turns")
		}
		return nil, errs.Field("file", "请选择要上传的述职报告文件（PDF，或 PNG、JPEG 图片）", "choose the report files to upload (PDF, or PNG or JPEG images)")
	}
	defer r.MultipartForm.RemoveAll()
	var out []Upload
	for _, fh := range r.MultipartForm.File["file"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // a file input left empty
		}
		f, err := fh.Open()
		if err != nil {
			return nil, errs.Wrap(err, "open upload")
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, errs.Wrap(err, "read upload")
		}
		out = append(out, Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}
