package api

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jiceng/internal/errs"
)

// TestDecodeSaysWhatToSend checks that a value of the wrong type is refused
// with a message naming the field and the JSON value to send, in both
// languages, never a Go type or time layout.
func TestDecodeSaysWhatToSend(t *testing.T) {
	type in struct {
		OrgID   int64     `json:"org_id"`
		Weight  float64   `json:"weight"`
		Name    string    `json:"name"`
		Trim    bool      `json:"trim"`
		Keys    []string  `json:"keys"`
		OpensAt time.Time `json:"opens_at"`
		Rules   struct {
			K int `json:"k"`
		} `json:"rules"`
	}
	for _, tc := range []struct{ body, field, zh, en string }{
		{`{"org_id": "12"}`, "org_id", "字段 org_id 应为整数", "field org_id must be an integer"},
		{`{"weight": "0.5"}`, "weight", "字段 weight 应为数字", "field weight must be a number"},
		{`{"name": 3}`, "name", "字段 name 应为字符串", "field name must be a string"},
		{`{"trim": "yes"}`, "trim", "字段 trim 应为 true 或 false", "field trim must be true or false"},
		{`{"keys": "a"}`, "keys", "字段 keys 应为数组", "field keys must be an array"},
		{`{"rules": []}`, "rules", "字段 rules 应为对象", "field rules must be an object"},
		{`{"rules": {"k": 2.5}}`, "rules.k", "字段 rules.k 应为整数", "field rules.k must be an integer"},
		{`{"opens_at": "2026-07-01 09:00"}`, "", "时间格式不正确：请写成 RFC 3339 格式，例如 2026-07-01T09:00:00+08:00",
			"a time is malformed: write it in RFC 3339 form, e.g. 2026-07-01T09:00:00+08:00"},
		{`[1]`, "", "请求体应为对象", "the body must be an object"},
	} {
		var v in
		err := Decode(httptest.NewRecorder(), httptest.NewRequest("POST", "/", strings.NewReader(tc.body)), &v)
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.Invalid || e.Field != tc.field || e.ZH != tc.zh || e.EN != tc.en {
			t.Errorf("%s: %#v", tc.body, err)
			continue
		}
		for _, bad := range []string{"int64", "float64", "2006", "time.Time", "struct"} {
			if strings.Contains(e.ZH+e.EN, bad) {
				t.Errorf("%s: the message shows %q: %s / %s", tc.body, bad, e.ZH, e.EN)
			}
		}
	}
}

// TestDecodeFormBody: curl -d without a Content-Type sends a form, whose
// body the form parser has taken; the caller is told to send JSON with
// its Content-Type rather than that the body is empty.
func TestDecodeFormBody(t *testing.T) {
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(`{"name":"x"}`))
		r.Header.Set("Content-Type", ct)
		var v struct {
			Name string `json:"name"`
		}
		err := Decode(httptest.NewRecorder(), r, &v)
		if e := errs.As(err); e.Kind != errs.Invalid || e.ZH != "请求体应为 JSON 对象：请设置请求头 Content-Type: application/json" {
			t.Errorf("%s: %v", ct, err)
		}
	}
}
