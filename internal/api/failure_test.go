package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"jiceng/internal/errs"
)

// TestFailureOfLostConnection: a request whose connection to the database
// was lost answers 503. A read may just be sent again (Retry-After); a
// write may have committed before the connection went, so its answer says
// to check first and asks for no automatic retry. A deadline of the
// request's own is not a lost connection.
func TestFailureOfLostConnection(t *testing.T) {
	lost := errs.Wrap(io.ErrUnexpectedEOF, "commit")
	for _, c := range []struct {
		method, zh, retry string
		err               error
		kind              errs.Kind
	}{
		{"GET", "数据库暂时不可用（可能正在切换主库），请稍后重试", "5", lost, errs.Unavailable},
		{"POST", "数据库连接中断（可能正在切换主库），您的操作可能已经保存：请刷新页面核对后再决定是否重新提交", "", lost, errs.Unavailable},
		{"GET", "系统内部错误，请稍后重试", "", errs.Wrap(context.DeadlineExceeded, "query"), errs.Internal},
		{"POST", "系统内部错误，请稍后重试", "", errs.Wrap(errors.New("syntax error"), "insert"), errs.Internal},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(c.method, "/api/v1/units", nil)
		e := Failure(w, r, c.err)
		if e.Kind != c.kind || e.ZH != c.zh || w.Header().Get("Retry-After") != c.retry {
			t.Errorf("%s %v: %s %q, Retry-After %q; want %s %q, %q", c.method, c.err, e.Kind, e.ZH, w.Header().Get("Retry-After"), c.kind, c.zh, c.retry)
		}
		if c.kind == errs.Unavailable && errs.HTTPStatus(e.Kind) != http.StatusServiceUnavailable {
			t.Errorf("unavailable answers %d", errs.HTTPStatus(e.Kind))
		}
	}
}
