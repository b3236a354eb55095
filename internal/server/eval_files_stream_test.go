package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

// bigReport attaches a PDF of 10 MB to the first subject of an opened
// campaign and returns its public address and bytes.
func (f *fixture) bigReport(t *testing.T) (string, []byte) {
	t.Helper()
	admin := f.token(t, "admin")
	st, c := f.call(t, "POST", "/api/v1/campaigns", admin, campaignBody(f.root, "2026年度述职评议", `,"template":"village_secretary"`))
	if st != 201 {
		t.Fatalf("create: %d %v", st, c)
	}
	id := int64(c["id"].(float64))
	st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), admin,
		`{"subjects":[{"kind":"person","name":"张三","post":"党组织书记","unit":"第一村"}]}`)
	if st != 201 {
		t.Fatalf("subjects: %d %v", st, out)
	}
	sid := int64(out["items"].([]any)[0].(map[string]any)["id"].(float64))
	data := make([]byte, evaluation.MaxReportPDF)
	r := rand.NewChaCha8([32]byte{1})
	_, _ = r.Read(data) // ChaCha8.Read never fails
	copy(data, "%PDF-1.4\n")
	files, err := f.eval.AttachFiles(context.Background(), testrig.Admin, id, sid, []evaluation.Upload{{Name: "述职报告.pdf", Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/tokens", id), admin, `{"group":"masses","count":1}`); st != 201 {
		t.Fatalf("tokens: %d %v", st, out)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/open", id), admin, ""); st != 200 {
		t.Fatalf("open: %d %v", st, out)
	}
	return "/vote/files/" + files[0].ID, data
}

// TestVoteFileRanges: a report file is served whole with its type and
// SHA-256, and a Range request gets exactly the bytes asked for, across
// the pieces the file is stored in.
func TestVoteFileRanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	path, data := f.bigReport(t)
	sum := sha256.Sum256(data)

	resp, body := f.get(t, path)
	if resp.StatusCode != 200 || !bytes.Equal(body, data) || resp.Header.Get("Content-Type") != "application/pdf" ||
		resp.Header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` || resp.Header.Get("Content-Length") != fmt.Sprint(len(data)) {
		t.Fatalf("whole file: %d, %d bytes (equal %v), %q, ETag %q", resp.StatusCode, len(body), bytes.Equal(body, data), resp.Header.Get("Content-Type"), resp.Header.Get("ETag"))
	}
	for _, rg := range []struct{ from, to int }{{0, 0}, {1234567, 1234567}, {65535, 65536}, {65530, 200000}, {len(data) - 1, len(data) - 1}} {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", rg.from, rg.to))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || !bytes.Equal(got, data[rg.from:rg.to+1]) ||
			resp.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", rg.from, rg.to, len(data)) {
			t.Errorf("bytes %d-%d: %d %q, %d bytes (equal %v)", rg.from, rg.to, resp.StatusCode, resp.Header.Get("Content-Range"), len(got), bytes.Equal(got, data[rg.from:rg.to+1]))
		}
	}
}

// TestVoteFileRangeMemory: 100 concurrent one-byte Range requests on a
// 10 MB file allocate well under what one copy of the file per request
// would (1,000 MB): less than 20 MB in all, counting every allocation of
// client and server, garbage included.
func TestVoteFileRangeMemory(t *testing.T) {
	f := newFixture(t)
	path, data := f.bigReport(t)
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	get := func(at int) error {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", at, at))
		resp, err := cl.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 206 || len(b) != 1 || b[0] != data[at] {
			return fmt.Errorf("byte %d: %d %v", at, resp.StatusCode, b)
		}
		return nil
	}
	if err := get(0); err != nil { // warm the pools
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	errc := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() { errc <- get(i * 100_003) })
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("100 one-byte Range requests allocated %.1f MB", float64(grew)/(1<<20))
	if grew > 20<<20 {
		t.Fatalf("100 one-byte Range requests on a 10 MB file allocated %.1f MB, want under 20 MB", float64(grew)/(1<<20))
	}
}

// TestVoteFileHoldsNoConnection: with the pools cut to one connection, a
// client that does not read the file leaves the connection free.
func TestVoteFileHoldsNoConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	path, _ := f.bigReport(t)
	d := f.d
	d.LimitConns(1)
	w := &blockedWriter{h: http.Header{}, writing: make(chan struct{}), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.srv.Config.Handler.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	}()
	select {
	case <-w.writing:
	case <-time.After(30 * time.Second):
		t.Fatal("the file was never written")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	var n int
	err := d.QueryRow(ctx, "SELECT COUNT(*) FROM subject_files").Scan(&n)
	cancel()
	close(w.release)
	<-done
	if err != nil || n != 1 {
		t.Fatalf("a query while a file is written to a slow client: %v", err)
	}
}
