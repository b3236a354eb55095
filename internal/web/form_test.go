package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A form that cannot be read (here its address holds a broken %-escape) is
// answered with the error page saying what to do, in the reader's language,
// and the handler goes no further.
func TestParseFormRefusesUnreadableForm(t *testing.T) {
	k, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ lang, want string }{
		{"zh", "表单无法读取：请回到上一页重新填写并提交"},
		{"en", "The form could not be read: go back to the page and submit it again"},
	} {
		r := httptest.NewRequest("POST", "/users/new?a=%zz", strings.NewReader("username=x"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(&http.Cookie{Name: "lang", Value: tt.lang})
		w := httptest.NewRecorder()
		if k.ParseForm(w, r) {
			t.Fatalf("%s: the form was read", tt.lang)
		}
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("%s: %d %s", tt.lang, w.Code, w.Body.String())
		}
	}
	r := httptest.NewRequest("POST", "/users/new", strings.NewReader("username=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if !k.ParseForm(httptest.NewRecorder(), r) || r.PostForm.Get("username") != "x" {
		t.Errorf("a good form was refused")
	}
}
