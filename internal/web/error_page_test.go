package web

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// TestErrorPageTitles: the error page says what kind of failure it is, in the
// heading and in the window title, in both languages; an internal error keeps
// the general title and never shows its cause.
func TestErrorPageTitles(t *testing.T) {
	k, err := New(Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h1 := regexp.MustCompile(`<h1>([^<]*)</h1>\s*<p class="flash err"`)
	title := regexp.MustCompile(`<title>([^<]*)</title>`)
	cases := []struct {
		kind   errs.Kind
		status int
		zh, en string
	}{
		{errs.Forbidden, 403, "无权访问", "Not allowed"},
		{errs.NotFound, 404, "未找到", "Not found"},
		{errs.Invalid, 422, "输入有误", "Please check your input"},
		{errs.Conflict, 409, "操作冲突", "Conflicting change"},
		{errs.Unauthorized, 401, "请先登录", "Please log in"},
		{errs.TooMany, 429, "操作过于频繁", "Too many attempts"},
		{errs.TooLarge, 413, "内容过大", "Too large"},
		{errs.Internal, 500, "出错了", "Something went wrong"},
	}
	for _, c := range cases {
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			want := c.zh
			if lang == i18n.EN {
				want = c.en
			}
			r := httptest.NewRequest(http.MethodGet, "/orgs/7", nil)
			r.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			w := httptest.NewRecorder()
			k.Fail(w, r, errs.New(c.kind, "原因", "the cause"))
			body := w.Body.String()
			if w.Code != c.status {
				t.Errorf("%s %s: status %d, want %d", c.kind, lang, w.Code, c.status)
			}
			m := h1.FindStringSubmatch(body)
			if m == nil || html.UnescapeString(m[1]) != itoa(c.status)+" · "+want {
				t.Errorf("%s %s: heading %q, want %q", c.kind, lang, m, itoa(c.status)+" · "+want)
			}
			if m := title.FindStringSubmatch(body); m == nil || html.UnescapeString(m[1]) != want+" · 基层党建" {
				t.Errorf("%s %s: window title %q, want %q", c.kind, lang, m, want+" · 基层党建")
			}
		}
	}
}

func itoa(n int) string { return FormatInt(n) }
