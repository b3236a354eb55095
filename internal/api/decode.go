package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// MaxBody is the largest JSON body accepted.
const MaxBody = 1 << 20

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

// Decode reads a JSON body into v strictly: size-capped, UTF-8 only, no
// NUL, unknown fields refused, one value only.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
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
			return &errs.Error{Kind: errs.Invalid, Field: te.Field, Text: i18n.Text{ZH: "字段 " + te.Field + " 的类型应为 " + te.Type.String(), EN: "field " + te.Field + " must be of type " + te.Type.String()}}
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &errs.Error{Kind: errs.Invalid, Field: f, Text: i18n.Text{ZH: "未知字段 " + f, EN: "unknown field " + f}}
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
