package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// errBadUTF8 matches the API's refusal of the same input.
var errBadUTF8 = errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8: send text encoded as UTF-8")

// RefuseBadUTF8 answers 400 to a request whose query or url-encoded form
// holds text that is not UTF-8 or holds a NUL, before any handler stores it (PostgreSQL
// refused it with a 500, SQLite kept the bytes). It parses the form once;
// handlers that call ParseForm again get the parsed values. API paths get
// their error from apiFail, in the JSON envelope.
func (k *Kit) RefuseBadUTF8(next http.Handler, apiFail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := validValues(r.URL.Query())
		if bad == nil && r.Body != nil && (r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH") {
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
				// The cap the ballot form set for itself, now for every form:
				// the body is read here, before any handler could limit it.
				r.Body = http.MaxBytesReader(w, r.Body, maxForm)
				if err := r.ParseForm(); err != nil {
					var mbe *http.MaxBytesError
					if errors.As(err, &mbe) {
						k.refuse(w, r, apiFail, errs.New(errs.TooLarge, "表单超过 1 MB 上限", "the form exceeds the 1 MB limit"))
						return
					}
					k.refuse(w, r, apiFail, errs.New(errs.Invalid, "表单无效", "invalid form"))
					return
				}
				bad = validValues(r.PostForm)
			}
		}
		if bad != nil {
			k.refuse(w, r, apiFail, bad)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxForm is the largest url-encoded form accepted.
const maxForm = 1 << 20

func (k *Kit) refuse(w http.ResponseWriter, r *http.Request, apiFail func(http.ResponseWriter, *http.Request, error), err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		apiFail(w, r, err)
		return
	}
	e := errs.As(err)
	k.errorPage(w, r, errs.HTTPStatus(e.Kind), e)
}

// errNUL matches the API's refusal of a string holding U+0000: PostgreSQL
// cannot store it in text and answered 500.
var errNUL = errs.New(errs.Invalid, "请求内容含有不允许的控制字符（NUL）：请删除后重试", "the request holds a NUL control character: remove it and try again")

// validValues returns the refusal of the first key or value that is not
// UTF-8 or holds a NUL, or nil.
func validValues(v url.Values) error {
	var err error
	check := func(s string) {
		switch {
		case err != nil:
		case !utf8.ValidString(s):
			err = errBadUTF8
		case strings.IndexByte(s, 0) >= 0:
			err = errNUL
		}
	}
	for k, vs := range v {
		check(k)
		for _, s := range vs {
			check(s)
		}
	}
	return err
}
