// Package api serves the JSON API under /api/v1. Handlers decode input
// strictly, call the same domain functions as the HTML pages, and encode
// results; errors come back as {"error": {"code", "message"}}.
package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
)

// MaxBody is the largest JSON body accepted.
const MaxBody = 1 << 20

// Handler holds the services the API calls.
type Handler struct {
	Orgs     *org.Service
	Accounts *account.Service
	Coverage *coverage.Service
	Eval     *evaluation.Service
	// Limiter slows down guessing of public codes (ballot tokens), per client.
	Limiter *account.Limiter
	// Reads bounds the bulletin requests of each client.
	Reads  *ratelimit.Limiter
	Logger *slog.Logger
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Fail writes err as the JSON error envelope.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Kind == errs.Internal && h.Logger != nil {
		h.Logger.Error("api failed", "path", r.URL.Path, "err", err)
	}
	body := map[string]any{"code": string(e.Kind), "message": e.Message(i18n.FromRequest(r))}
	if e.Field != "" {
		body["field"] = e.Field
	}
	if len(e.Details) > 1 {
		fields := map[string]string{}
		for _, d := range e.Details {
			fields[d.Field] = d.Message(i18n.FromRequest(r))
		}
		body["fields"] = fields
	}
	writeJSON(w, errs.HTTPStatus(e.Kind), map[string]any{"error": body})
}

// errBadUTF8 refuses text that is not UTF-8. encoding/json would turn each
// bad byte into U+FFFD and store that silently; a form value would reach
// PostgreSQL and fail there with 500.
var errBadUTF8 = errs.New(errs.Invalid, "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交", "the request holds invalid UTF-8: send text encoded as UTF-8")

// errNUL refuses a string holding U+0000, which PostgreSQL cannot store
// in text (500) and SQLite would keep; the form middleware says the same.
var errNUL = errs.New(errs.Invalid, "请求内容含有不允许的控制字符（NUL）：请删除后重试", "the request holds a NUL control character: remove it and try again")

// hasNULEscape reports whether body holds the escape \u0000. A raw NUL byte
// is invalid JSON already; the escape counts only when its backslash is not
// itself escaped, that is when an even number of backslashes precede it.
func hasNULEscape(body []byte) bool {
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(`\u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && body[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		i = j + 1
	}
}

// decode reads a JSON body strictly: size-capped, UTF-8 only, unknown
// fields refused, one value only.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.New(errs.TooLarge, "请求体超过 1 MB 上限", "the request body exceeds the 1 MB limit")
	}
	if err != nil {
		return errs.New(errs.Invalid, "请求体读取失败", "the request body could not be read")
	}
	if !utf8.Valid(body) {
		return errBadUTF8
	}
	if hasNULEscape(body) {
		return errNUL
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &mbe):
			return errs.New(errs.TooLarge, "请求体超过 1 MB 上限", "the request body exceeds the 1 MB limit")
		case errors.As(err, &se):
			return errs.Newf(errs.Invalid, "JSON 格式错误（第 %d 字节附近）", "malformed JSON near byte %d", se.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errs.New(errs.Invalid, "JSON 不完整：请检查括号和引号是否成对", "incomplete JSON: check that brackets and quotes are closed")
		case errors.As(err, &te):
			return &errs.Error{Kind: errs.Invalid, Field: te.Field, ZH: "字段 " + te.Field + " 的类型应为 " + te.Type.String(), EN: "field " + te.Field + " must be of type " + te.Type.String()}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &errs.Error{Kind: errs.Invalid, Field: f, ZH: "未知字段 " + f, EN: "unknown field " + f}
		case errors.Is(err, io.EOF):
			return errs.New(errs.Invalid, "请求体为空，应为 JSON 对象", "empty body: send a JSON object")
		}
		return errs.New(errs.Invalid, "JSON 格式错误："+err.Error(), "malformed JSON: "+err.Error())
	}
	if dec.More() {
		return errs.New(errs.Invalid, "请求体只能包含一个 JSON 对象", "the body must hold exactly one JSON object")
	}
	return nil
}

func actorOf(r *http.Request) access.Actor {
	a, _ := access.FromContext(r.Context())
	return a
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Newf(errs.NotFound, "编号 %q 无效", "invalid id %q", r.PathValue("id"))
	}
	return id, nil
}

// maxOffset caps the offset a cursor may carry: 1,000,000 pages of 500,
// as on the pages, so that offset+limit cannot overflow.
const maxOffset = 500_000_000

// page reads ?limit= and the opaque ?cursor= (an encoded offset).
func page(r *http.Request) (limit, offset int, err error) {
	limit = 50
	if s := r.URL.Query().Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, errs.Field("limit", "limit 应为 1–1000 的整数", "limit must be an integer from 1 to 1000")
		}
	}
	offset, err = cursorOffset(r)
	return limit, offset, err
}

// cursorOffset reads the offset that ?cursor= encodes, 0 without one.
func cursorOffset(r *http.Request) (int, error) {
	c := r.URL.Query().Get("cursor")
	if c == "" {
		return 0, nil
	}
	b, derr := base64.RawURLEncoding.DecodeString(c)
	n, aerr := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	if derr != nil || aerr != nil || n < 0 || n > maxOffset {
		return 0, errs.Field("cursor", "cursor 无效，请使用上一页返回的 next_cursor", "invalid cursor: use next_cursor from the previous page")
	}
	return n, nil
}

func nextCursor(offset, n, total int) string {
	if offset+n >= total {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset+n)))
}
