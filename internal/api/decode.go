package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"
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
	// A form's body is read as a form by the time it gets here (curl -d
	// without a Content-Type sends one), so it would seem empty.
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		return errs.New(errs.Invalid, "请求体应为 JSON 对象：请设置请求头 Content-Type: application/json", "the body must be a JSON object: send it with Content-Type: application/json")
	}
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
		var pe *time.ParseError
		switch {
		case errors.As(err, &mbe):
			return errs.New(errs.TooLarge, "请求体超过 1 MB 上限", "the request body exceeds the 1 MB limit")
		case errors.As(err, &se):
			return errs.Newf(errs.Invalid, "JSON 格式错误（第 %d 字节附近）", "malformed JSON near byte %d", se.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return errs.New(errs.Invalid, "JSON 不完整：请检查括号和引号是否成对", "incomplete JSON: check that brackets and quotes are closed")
		case errors.As(err, &te):
			want := jsonKind(te.Type)
			if te.Field == "" {
				return errs.New(errs.Invalid, "请求体应为"+want.ZH, "the body must be "+want.EN)
			}
			return &errs.Error{Kind: errs.Invalid, Field: te.Field, Text: i18n.Text{ZH: "字段 " + te.Field + " 应为" + want.ZH, EN: "field " + te.Field + " must be " + want.EN}}
		case errors.As(err, &pe):
			// A time field: the time package's error quotes its layout
			// ("2006-01-02T15:04:05Z07:00"), which tells a user nothing.
			return errs.New(errs.Invalid, "时间格式不正确：请写成 RFC 3339 格式，例如 2026-07-01T09:00:00+08:00", "a time is malformed: write it in RFC 3339 form, e.g. 2026-07-01T09:00:00+08:00")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &errs.Error{Kind: errs.Invalid, Field: f, Text: i18n.Text{ZH: "未知字段 " + f, EN: "unknown field " + f}}
		case errors.Is(err, io.EOF):
			return errs.New(errs.Invalid, "请求体为空，应为 JSON 对象", "empty body: send a JSON object")
		}
		// Other decoding errors come from the Go library and speak of Go
		// types; the caller is told what to send instead.
		return errs.New(errs.Invalid, "JSON 格式错误：请检查各字段的取值是否符合接口文档", "malformed JSON: check each value against the API documentation")
	}
	if dec.More() {
		return errs.New(errs.Invalid, "请求体只能包含一个 JSON 对象", "the body must hold exactly one JSON object")
	}
	return nil
}

// jsonKind names, in both languages, the JSON value a Go type is decoded
// from, so that a type error says what to send ("an integer") rather than
// the Go type behind it ("int64").
func jsonKind(t reflect.Type) i18n.Text {
	if t == nil {
		return i18n.Text{ZH: "其他类型的值", EN: "a value of another type"}
	}
	if t == reflect.TypeFor[time.Time]() {
		return i18n.Text{ZH: " RFC 3339 格式的时间字符串（例如 2026-07-01T09:00:00+08:00）", EN: "a time string in RFC 3339 form (e.g. 2026-07-01T09:00:00+08:00)"}
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return i18n.Text{ZH: "整数", EN: "an integer"}
	case reflect.Float32, reflect.Float64:
		return i18n.Text{ZH: "数字", EN: "a number"}
	case reflect.String:
		return i18n.Text{ZH: "字符串", EN: "a string"}
	case reflect.Bool:
		return i18n.Text{ZH: " true 或 false", EN: "true or false"}
	case reflect.Slice, reflect.Array:
		return i18n.Text{ZH: "数组", EN: "an array"}
	case reflect.Map, reflect.Struct:
		return i18n.Text{ZH: "对象", EN: "an object"}
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return i18n.Text{ZH: "其他类型的值", EN: "a value of another type"}
}
