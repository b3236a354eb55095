package cases

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jiceng/internal/cases"
	"jiceng/internal/errs"
)

// Limits of a public form with attachments (a report, an addition).
const (
	// pubMaxBody caps the request: the attachments at their limit
	// together and a megabyte for the text and the multipart framing.
	pubMaxBody = cases.MaxAttachmentsBytes + 1<<20
	// pubMaxText caps the text fields of a multipart form together, as
	// the server caps a url-encoded form.
	pubMaxText = 1 << 20
	// pubMaxParts bounds the parts read: a form has a dozen fields and
	// five files; a million empty parts would only fill memory.
	pubMaxParts = 64
	// pubDrainMax is how much of an oversized body is still read and
	// dropped. A phone is usually still sending when the cap is reached;
	// answering at once and closing the connection makes many browsers
	// show a "connection reset" page instead of the message, so the rest
	// is read up to the size of five photos at the limit of each.
	pubDrainMax = cases.MaxAttachments*cases.MaxAttachmentBytes + 16<<20
)

// pubPosted is what a public form sent: its text fields and its files.
type pubPosted struct {
	form  url.Values
	files []cases.NamedFile
	// chosen: the form carried files, which a page shown again cannot
	// keep — the resident must choose them again.
	chosen bool
}

// pubErrTooLarge answers a body over pubMaxBody: nothing of it is
// stored, and the resident is told what to do.
func pubErrTooLarge() *errs.Error {
	e := errs.Newf(errs.TooLarge,
		"附件合计超过 %d MB，未能接收，没有保存任何内容。请删去或压缩部分附件，重新选择后再提交",
		"the attachments come to more than %d MB and were not received; nothing was stored. Remove or compress some, choose them again and submit again",
		cases.MaxAttachmentsBytes>>20)
	e.Field = "attachments"
	return e
}

var (
	pubErrBadForm = errs.New(errs.Invalid, "表单无法读取，请返回上一页重新填写并提交", "the form could not be read: go back, fill it in and submit it again")
	pubErrText    = errs.New(errs.TooLarge, "表单中的文字超过 1 MB 上限", "the text of the form exceeds the 1 MB limit")
	pubErrUTF8    = errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8: send text encoded as UTF-8")
	pubErrNUL     = errs.New(errs.Invalid, "请求内容含有不允许的控制字符（NUL）：请删除后重试", "the request holds a NUL control character: remove it and try again")
)

// pubMultipart reports whether r posts a multipart form (one with files).
func pubMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// pubRead reads the form of r. A url-encoded form has been read by the
// server already (under its 1 MB cap, its text checked); a multipart form
// is streamed part by part under pubMaxBody, each file read once into
// memory and no part buffered on disk, its text checked as the server
// checks url-encoded text. On error, what was read before it is returned
// with it, so that the page shown again keeps what the resident typed.
func pubRead(w http.ResponseWriter, r *http.Request) (pubPosted, error) {
	out := pubPosted{form: url.Values{}}
	if !pubMultipart(r) {
		if err := r.ParseForm(); err != nil {
			return out, pubErrBadForm
		}
		out.form = r.PostForm
		// A file input of a form posted url-encoded (the place picker's
		// buttons) sends only the names of the files chosen.
		for _, name := range out.form["attachments"] {
			out.chosen = out.chosen || name != ""
		}
		return out, nil
	}
	orig := r.Body
	r.Body = http.MaxBytesReader(w, orig, pubMaxBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return out, pubErrBadForm
	}
	text := 0
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, pubReadFailed(err, orig)
		}
		if parts == pubMaxParts {
			p.Close()
			return out, pubErrBadForm
		}
		name := p.FormName()
		if name == "attachments" {
			data, err := io.ReadAll(p)
			p.Close()
			if err != nil {
				out.chosen = true
				return out, pubReadFailed(err, orig)
			}
			if p.FileName() == "" && len(data) == 0 {
				continue // the file input left empty
			}
			out.chosen = true
			out.files = append(out.files, cases.NamedFile{Name: p.FileName(), Data: data})
			continue
		}
		if p.FileName() != "" || name == "" {
			p.Close() // a file in a field that takes none is not read
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, int64(pubMaxText-text+1)))
		p.Close()
		if err != nil {
			return out, pubReadFailed(err, orig)
		}
		if text += len(b); text > pubMaxText {
			pubDrain(orig)
			return out, pubErrText
		}
		v := string(b)
		if !utf8.ValidString(v) || !utf8.ValidString(name) {
			return out, pubErrUTF8
		}
		if strings.IndexByte(v, 0) >= 0 || strings.IndexByte(name, 0) >= 0 {
			return out, pubErrNUL
		}
		out.form.Add(name, v)
	}
}

// pubReadFailed turns the error of a body cut at its cap into the size
// message, after reading what the browser is still sending; any other
// broken body is a form that could not be read.
func pubReadFailed(err error, body io.Reader) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		pubDrain(body)
		return pubErrTooLarge()
	}
	return pubErrBadForm
}

// pubDrain reads and drops the rest of a refused body, up to pubDrainMax,
// so that the browser finishes sending and reads the answer.
func pubDrain(body io.Reader) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, pubDrainMax))
}
