package server

import (
	"fmt"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// aReader reads the letter a, without end.
type aReader struct{}

func (aReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// bigBody is a request body of prefix, n letters a and suffix, produced
// as it is read, so that the test itself holds none of it.
func bigBody(prefix string, n int, suffix string) (io.Reader, int64) {
	return io.MultiReader(strings.NewReader(prefix), io.LimitReader(aReader{}, int64(n)), strings.NewReader(suffix)), int64(len(prefix) + n + len(suffix))
}

// heapInUse returns the bytes of heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestHugeUsernamesKeepNoMemory is the login limiter finding through the
// whole handler: 38 logins with unique 9 MB usernames from 7 loopback
// addresses took the server from 50 MB to 711 MB, for the life of the
// process. Such a body is now refused by the 1 MB cap on forms and JSON
// bodies; and a username as long as the cap lets through breaks the
// username rule and is refused before the limiter (no key is kept, whatever
// its size). Heap in use grows by under 32 MB.
func TestHugeUsernamesKeepNoMemory(t *testing.T) {
	f := newAcctFixture(t, nil)
	h := f.srv.Config.Handler
	send := func(i int, path, ct string, body io.Reader, n int64) (int, string) {
		req := httptest.NewRequest("POST", path, body)
		req.ContentLength = n
		req.Header.Set("Content-Type", ct)
		req.RemoteAddr = fmt.Sprintf("127.0.0.%d:%d", i%7+1, 40000+i)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out := rec.Body.String()
		if len(out) > 4096 {
			out = out[:4096] // a page may echo the name: keep the head only
		}
		return rec.Code, out
	}
	const form, jsonCT = "application/x-www-form-urlencoded", "application/json"
	before := heapInUse()

	// The attack as reported: 9 MB names, through the page and the API.
	for i := 0; i < 38; i++ {
		body, n := bigBody(fmt.Sprintf("username=u%02d", i), 9<<20, "&password=Some-guess-2026")
		if st, out := send(i, "/login", form, body, n); st != 413 || !strings.Contains(out, "表单超过 1 MB 上限") {
			t.Fatalf("9 MB form %d: %d %.300s", i, st, out)
		}
		body, n = bigBody(fmt.Sprintf(`{"username":"u%02d`, i), 9<<20, `","password":"Some-guess-2026"}`)
		if st, out := send(i, "/api/v1/auth/login", jsonCT, body, n); st != 413 || !strings.Contains(out, "请求体超过 1 MB 上限") {
			t.Fatalf("9 MB JSON %d: %d %.300s", i, st, out)
		}
	}
	// Names as long as the caps let through reach the login and are
	// refused there by the username rule, not by the cap.
	const rule = "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头"
	long := 1<<20 - 100
	for i := 0; i < 38; i++ {
		body, n := bigBody(fmt.Sprintf("username=u%02d", i), long, "&password=Some-guess-2026")
		if st, out := send(i, "/login", form, body, n); st != 422 || flashOf(out) != rule {
			t.Fatalf("1 MB form %d: %d %q", i, st, flashOf(out))
		}
		body, n = bigBody(fmt.Sprintf(`{"username":"u%02d`, i), long, `","password":"Some-guess-2026"}`)
		if st, out := send(i, "/api/v1/auth/login", jsonCT, body, n); st != 400 || !strings.Contains(out, `"message":"`+rule+`"`) {
			t.Fatalf("1 MB JSON %d: %d %.300s", i, st, out)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	if keys := f.accounts.Limiter().Len(); keys != 0 || grown >= 32<<20 {
		t.Errorf("after the attack: %d limiter keys, heap in use grew by %d bytes (at most 32 MB)", keys, grown)
	}
	// The server still logs in whoever has an account.
	if st, _ := f.call(t, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"username":"admin","password":%q}`, f.pw["admin"])); st != 200 {
		t.Errorf("admin login after the attack: %d", st)
	}
}
