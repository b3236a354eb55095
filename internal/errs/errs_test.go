package errs

import (
	"testing"
	"time"
)

// TestTooManyWait: the wait is whole seconds rounded up, at least one, and
// English says "second" for one.
func TestTooManyWait(t *testing.T) {
	for _, tc := range []struct {
		wait   time.Duration
		zh, en string
	}{
		{200 * time.Millisecond, "登录失败次数过多，请 1 秒后再试", "too many failed logins: try again in 1 second"},
		{time.Second, "登录失败次数过多，请 1 秒后再试", "too many failed logins: try again in 1 second"},
		{1001 * time.Millisecond, "登录失败次数过多，请 2 秒后再试", "too many failed logins: try again in 2 seconds"},
		{15 * time.Minute, "登录失败次数过多，请 900 秒后再试", "too many failed logins: try again in 900 seconds"},
	} {
		e := TooManyWait("登录失败次数过多", "too many failed logins", tc.wait)
		if e.Kind != TooMany || e.ZH != tc.zh || e.EN != tc.en {
			t.Errorf("%v: %s %q %q", tc.wait, e.Kind, e.ZH, e.EN)
		}
	}
}
