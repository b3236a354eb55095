package xlsx

import (
	"errors"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

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
		header, rows, err := ReadContext(r.Context(), r.Body)
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
		name := cleanFileName(p.FileName())
		header, rows, err := ReadContext(r.Context(), p)
		p.Close()
		return name, header, rows, tooBig(err)
	}
}

// maxFileName caps the bytes of a stored upload name.
const maxFileName = 200

// cleanFileName makes the name a browser or client sent for a file fit to
// store and show: its base name only, invalid UTF-8 dropped (PostgreSQL
// refuses it in a text column), no control characters (NUL included),
// at most maxFileName bytes cut at a character boundary; "upload" when
// nothing is left.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\uFEFF' {
			return -1
		}
		return r
	}, name)
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSpace(name)
	if len(name) > maxFileName {
		cut := maxFileName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	if name == "" || name == "." || name == "/" {
		return "upload"
	}
	return name
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
