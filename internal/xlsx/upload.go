package xlsx

import (
	"errors"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"jiceng/internal/errs"
)

// ReadUpload reads the file of an upload request: the multipart field
// "file", or, when rawBody is set and the request is not multipart, the
// request body itself (for API clients). It caps the request at MaxUpload
// and returns the file's base name with its rows. Handlers call it only
// after the domain has said the actor may import (CanImport and the like),
// so that nobody without the right makes the server parse anything.
//
// The multipart body is streamed: the parts before "file" are skipped and
// the file is read once, by Read, instead of being buffered by
// ParseMultipartForm first.
func ReadUpload(w http.ResponseWriter, r *http.Request, rawBody bool) (string, []string, [][]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+64<<10)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if !rawBody {
			return "", nil, nil, errChooseFile()
		}
		header, rows, err := Read(r.Body)
		return "upload", header, rows, tooBig(err)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, nil, errChooseFile()
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			if err := tooBig(err); errs.Is(err, errs.TooLarge) {
				return "", nil, nil, err
			}
			return "", nil, nil, errChooseFile()
		}
		if p.FormName() != "file" {
			p.Close()
			continue
		}
		name := filepath.Base(strings.ReplaceAll(p.FileName(), `\`, "/"))
		header, rows, err := Read(p)
		p.Close()
		return name, header, rows, tooBig(err)
	}
}

// tooBig turns the error of a request body cut at its cap into the message
// of an oversized file.
func tooBig(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge()
	}
	return err
}

func errChooseFile() error {
	return errs.New(errs.Invalid, "请选择要上传的 Excel（.xlsx）或 CSV 文件", "choose an Excel (.xlsx) or CSV file to upload")
}
