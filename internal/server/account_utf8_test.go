package server

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestInvalidUTF8Refused: an org name holding the byte 0xFF, through the API
// and through the page form, is refused with 400 and a clear message (it
// gave 500 on PostgreSQL), and the name stays as it was.
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.token(t, "admin")
	path := fmt.Sprintf("/api/v1/orgs/%d", f.root)
	st, out := f.call(t, "PATCH", path, admin, "{\"name\":\"\xff\"}")
	if st != 400 || errMsg(out) != "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交" {
		t.Errorf("API: %d %v", st, out)
	}
	b := f.browser(t, "admin")
	st, _, body := b.status(t, "POST", fmt.Sprintf("/orgs/%d/edit", f.root), url.Values{"name": {"\xff"}, "kind": {"committee"}, "category": {"other"}})
	if st != 400 || !strings.Contains(body, "请求内容含有无效的 UTF-8 字符：请以 UTF-8 编码提交") {
		t.Errorf("page: %d %.300s", st, body)
	}
	if _, o := f.call(t, "GET", path, admin, ""); o["name"] != "中共南宁市委员会" {
		t.Errorf("name now %q", o["name"])
	}
}
