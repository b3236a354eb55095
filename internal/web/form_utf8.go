package web

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// errBadUTF8 matches the API's refusal of the same input.
var errBadUTF8 = errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8: send text encoded as UTF-8")

// RefuseBadUTF8 answers 400 to a request whose query or url-encoded form
// holds text that is not UTF-8, before any handler stores it (PostgreSQL
// refused it with a 500, SQLite kept the bytes). It parses the form once;
// handlers that call ParseForm again get the parsed values. API paths get
// their error from apiFail, in the JSON envelope.
func (h *Handler) RefuseBadUTF8(next http.Handler, apiFail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bad := !validValues(r.URL.Query())
		if !bad && r.Body != nil && (r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH") {
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
				if err := r.ParseForm(); err != nil {
					h.refuse(w, r, apiFail, errs.New(errs.Invalid, "表单无效", "invalid form"))
					return
				}
				bad = !validValues(r.PostForm)
			}
		}
		if bad {
			h.refuse(w, r, apiFail, errBadUTF8)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, apiFail func(http.ResponseWriter, *http.Request, error), err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		apiFail(w, r, err)
		return
	}
	p := h.page(r, "", i18n.T(i18n.FromRequest(r), "error.title"))
	p.Data = map[string]any{"Message": errs.As(err).Message(p.Lang), "Status": http.StatusBadRequest}
	h.render(w, r, http.StatusBadRequest, "error", "layout", p)
}

func validValues(v url.Values) bool {
	for k, vs := range v {
		if !utf8.ValidString(k) {
			return false
		}
		for _, s := range vs {
			if !utf8.ValidString(s) {
				return false
			}
		}
	}
	return true
}
