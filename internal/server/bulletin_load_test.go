package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// closedWithBallots opens a campaign of one subject, casts n ballots of the
// masses through the service and closes it; it returns the campaign and
// the sorted trackers.
func (f *fixture) closedWithBallots(t *testing.T, n int) (int64, []string) {
	t.Helper()
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"masses": n})
	var trackers []string
	for _, c := range codes["masses"] {
		tr, err := f.eval.CastBallot(context.Background(), c, map[string]map[string]float64{subs[0]: village(85, 100)}, "")
		if err != nil {
			t.Fatal(err)
		}
		trackers = append(trackers, tr)
	}
	if st, out := f.call(t, "POST", fmt.Sprintf("/api/v1/campaigns/%d/close", id), admin, ""); st != 200 {
		t.Fatalf("close: %d %v", st, out)
	}
	slices.Sort(trackers)
	return id, trackers
}

var listedRe = regexp.MustCompile(`<li>([0-9A-Z]{5}-[0-9A-Z]{5})</li>`)

func listed(body string) []string {
	var out []string
	for _, m := range listedRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestBulletinTrackerPages: the bulletin lists 100 trackers a page, in
// order, with the total and the pages; a rater finds their tracker by
// lookup wherever it is in the list, and is told plainly when it is not
// there. The API hands the trackers out a page at a time as well.
func TestBulletinTrackerPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, trackers := f.closedWithBallots(t, 230)
	board := fmt.Sprintf("/bulletin/%d", id)

	for _, p := range []struct {
		path     string
		from, n  int
		page     string
		prev, nx bool
	}{
		{board, 0, 100, "共 230 条 · 第 1 / 3", false, true},
		{board + "?page=2", 100, 100, "共 230 条 · 第 2 / 3", true, true},
		{board + "?page=3", 200, 30, "共 230 条 · 第 3 / 3", true, false},
		{board + "?page=40", 200, 30, "共 230 条 · 第 3 / 3", true, false},
	} {
		st, _, body := f.publicPage(t, "GET", p.path, nil)
		if st != 200 {
			t.Fatalf("%s: %d", p.path, st)
		}
		if got := listed(body); !slices.Equal(got, trackers[p.from:p.from+p.n]) {
			t.Errorf("%s lists %d trackers, want the %d from %d", p.path, len(got), p.n, p.from+1)
		}
		if !strings.Contains(body, p.page) || !strings.Contains(body, "全部已计入的跟踪码（230）") {
			t.Errorf("%s does not read %q and the total 230:\n%s", p.path, p.page, text(body))
		}
		if strings.Contains(body, `rel="prev"`) != p.prev || strings.Contains(body, `rel="next"`) != p.nx {
			t.Errorf("%s: previous link %v, next link %v; want %v, %v", p.path, strings.Contains(body, `rel="prev"`), strings.Contains(body, `rel="next"`), p.prev, p.nx)
		}
	}
	// Any other query is sent on to the bulletin without it.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, q := range []string{"?page=0", "?page=x", "?page=2&t=ABCDE", "?t=ABCDE"} {
		resp, err := noRedirect.Get(f.srv.URL + board + q)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 || resp.Header.Get("Location") != board {
			t.Errorf("GET %s%s: %d Location %q, want 303 %s", board, q, resp.StatusCode, resp.Header.Get("Location"), board)
		}
	}
	// The lookup finds a tracker of the last page, typed carelessly.
	want := trackers[217]
	st, _, body := f.publicPage(t, "POST", board, url.Values{"t": {strings.ToLower(strings.ReplaceAll(want, "-", ""))}})
	if st != 200 || !strings.Contains(body, "已找到：这张测评票已被计入") || !strings.Contains(body, `<li class="hit"><mark>`+want+`</mark></li>`) {
		t.Errorf("lookup of %s: %d\n%s", want, st, text(body))
	}
	if strings.Contains(body, "?page=") && strings.Contains(body, "page=3") {
		t.Errorf("the answer to a lookup links the page of the tracker found:\n%s", body)
	}
	st, _, body = f.publicPage(t, "POST", board, url.Values{"t": {"ZZZZZ-ZZZZZ"}})
	if st != 200 || !strings.Contains(body, "未找到这个跟踪码") || strings.Contains(body, `class="hit"`) {
		t.Errorf("lookup of a tracker not cast: %d\n%s", st, text(body))
	}

	// The API: pages of 100 through next_cursor give every tracker once.
	var got []string
	path := fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin?limit=100", id)
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than three pages of 100 for 230 trackers")
		}
		st, out := f.call(t, "GET", path, "", "")
		if st != 200 || out["tracker_total"] != float64(230) {
			t.Fatalf("API bulletin %s: %d %v", path, st, out["tracker_total"])
		}
		for _, tr := range out["trackers"].([]any) {
			got = append(got, tr.(string))
		}
		path = ""
		if c, _ := out["next_cursor"].(string); c != "" {
			path = fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin?limit=100&cursor=%s", id, c)
		}
	}
	if !slices.Equal(got, trackers) {
		t.Errorf("the API's pages hold %d trackers, want the 230 cast", len(got))
	}
	if st, out := f.call(t, "GET", fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin?limit=10001", id), "", ""); st != 400 || errMsg(out) != "limit 应为 1–10000 的整数" {
		t.Errorf("limit 10001: %d %v", st, out)
	}
}

// TestBulletinRateLimit: the 61st bulletin request within a second from
// one client is refused with 429 and the wait, on the page and through the
// API, while another client is still served.
func TestBulletinRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := newFixtureWith(t, func(d *Deps) { d.Now = func() time.Time { return now } })
	admin := f.token(t, "admin")
	id, _, _ := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"masses": 5})
	board := fmt.Sprintf("/bulletin/%d", id)
	x, y := "203.0.113.7:40000", "198.51.100.9:40001"
	for i := 1; i <= 60; i++ {
		path := board
		if i%2 == 0 {
			path = fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id)
		}
		if st, body := f.from(t, x, "GET", path, "", ""); st != 200 {
			t.Fatalf("request %d from %s: %d\n%s", i, x, st, text(body))
		}
	}
	st, body := f.from(t, x, "GET", board, "", "")
	if st != 429 || !strings.Contains(body, "查看公示过于频繁，请 1 秒后再试") {
		t.Errorf("61st request from %s: %d, want 429 查看公示过于频繁，请 1 秒后再试\n%s", x, st, text(body))
	}
	st, body = f.from(t, x, "POST", board, formType, url.Values{"t": {"ZZZZZ-ZZZZZ"}}.Encode())
	if st != 429 || !strings.Contains(body, "查看公示过于频繁") {
		t.Errorf("lookup over the limit from %s: %d\n%s", x, st, text(body))
	}
	st, body = f.from(t, x, "GET", fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id), "", "")
	if st != 429 || !strings.Contains(body, "查看公示过于频繁，请 1 秒后再试") {
		t.Errorf("API request over the limit from %s: %d %s", x, st, body)
	}
	if st, body := f.from(t, y, "GET", board, "", ""); st != 200 || !strings.Contains(body, "测评公示") {
		t.Errorf("first request from %s: %d\n%s", y, st, text(body))
	}
	now = now.Add(time.Second)
	if st, _ := f.from(t, x, "GET", board, "", ""); st != 200 {
		t.Errorf("a second later from %s: %d, want 200", x, st)
	}
}

// blockedWriter is a client that reads the page slowly: its first Write
// says so and waits until released.
type blockedWriter struct {
	h       http.Header
	writing chan struct{}
	release chan struct{}
	status  int
}

func (w *blockedWriter) Header() http.Header    { return w.h }
func (w *blockedWriter) WriteHeader(status int) { w.status = status }
func (w *blockedWriter) Write(b []byte) (int, error) {
	select {
	case <-w.writing:
	default:
		close(w.writing)
	}
	<-w.release
	return len(b), nil
}

// TestBulletinHoldsNoConnection: with the database pools cut to one
// connection, a bulletin being written to a client that does not read
// leaves that connection free for the next query.
func TestBulletinHoldsNoConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, _ := f.closedWithBallots(t, 12)
	d := f.d
	d.LimitConns(1)
	for _, path := range []string{fmt.Sprintf("/bulletin/%d", id), fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id)} {
		w := &blockedWriter{h: http.Header{}, writing: make(chan struct{}), release: make(chan struct{})}
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.srv.Config.Handler.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		}()
		select {
		case <-w.writing:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the page was never written", path)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var n int
		err := d.QueryRow(ctx, d.Rebind("SELECT COUNT(*) FROM campaigns WHERE id = ?"), id).Scan(&n)
		cancel()
		close(w.release)
		<-done
		if err != nil || n != 1 {
			t.Fatalf("%s: a query while the page is written to a slow client: %v", path, err)
		}
		if w.status != 200 {
			t.Errorf("%s: %d", path, w.status)
		}
	}
}
