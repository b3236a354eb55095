package xlsx

import (
	"net/http"
	"path/filepath"

	"jiceng/internal/errs"
)

// ReadUpload reads the file of an upload request: the multipart field
// "file", or, when rawBody is set and the request is not multipart, the
// request body itself (for API clients). It caps the request at MaxUpload
// and returns the file's base name with its rows.
func ReadUpload(w http.ResponseWriter, r *http.Request, rawBody bool) (string, []string, [][]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+64<<10)
	file, fh, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		header, rows, err := Read(file)
		return filepath.Base(fh.Filename), header, rows, err
	}
	if _, tooBig := err.(*http.MaxBytesError); tooBig {
		return "", nil, nil, errs.New(errs.TooLarge, "文件超过 10 MB 上限，请拆分后分批导入", "the file exceeds the 10 MB limit: split it")
	}
	if !rawBody {
		return "", nil, nil, errs.New(errs.Invalid, "请选择要上传的 Excel（.xlsx）或 CSV 文件", "choose an Excel (.xlsx) or CSV file to upload")
	}
	header, rows, err := Read(r.Body)
	return "upload", header, rows, err
}
