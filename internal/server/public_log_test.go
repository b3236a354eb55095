package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/testrig"
)

// TestPublicRequestsNotLoggedOneByOne: the request log once dated every
// accepted ballot to the millisecond. Fifty ballots cast through the API,
// the ballot page and the bulletins must leave no line of their own, only
// counts per period, whose lines carry no path; so must the language
// switch linked from the ballot page. Other requests are still
// logged one by one.
func TestPublicRequestsNotLoggedOneByOne(t *testing.T) {
	var logs testrig.Buffer
	f := newFixtureWith(t, func(d *Deps) {
		d.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		d.PublicLogEvery = 100 * time.Millisecond
	})
	admin := f.token(t, "admin")
	id, subs, codes := f.newCampaign(t, admin, "village_secretary", 1, map[string]int{"masses": 50})
	public := 0
	for i, code := range codes["masses"] {
		st, out := f.call(t, "POST", "/api/v1/public/ballots", "", ballotJSON(code, map[string]map[string]float64{subs[0]: village(85, 100)}, ""))
		if st != 201 && st != 200 {
			t.Fatalf("ballot %d: %d %v", i+1, st, out)
		}
		public++
	}
	for _, path := range []string{"/vote", fmt.Sprintf("/bulletin/%d", id), fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id)} {
		resp, err := http.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		public++
	}

	// The language switch is linked from the ballot page: a rater who
	// switches leaves no line of its own either.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, to := range []string{"en", "zh"} {
		resp, err := noFollow.Get(f.srv.URL + "/lang?to=" + to + "&back=/vote")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("/lang?to=%s: %d", to, resp.StatusCode)
		}
		public++
	}

	count := regexp.MustCompile(`msg="public requests" count=(\d+) period=100ms$`)
	var lines []string
	counted := 0
	for deadline := time.Now().Add(10 * time.Second); counted < public && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		lines, counted = nil, 0
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if m := count.FindStringSubmatch(l); m != nil {
				n, _ := strconv.Atoi(m[1])
				counted += n
				lines = append(lines, l)
			}
		}
	}
	if counted != public {
		t.Fatalf("the count lines add up to %d public requests, want %d:\n%s", counted, public, logs.String())
	}
	out := logs.String()
	for _, s := range []string{"/api/v1/public", "/vote", "/bulletin", "/lang"} {
		if strings.Contains(out, s) {
			t.Errorf("the log names %s:\n%s", s, out)
		}
	}
	if !strings.Contains(out, `msg=request method=POST path=/api/v1/campaigns status=201`) {
		t.Errorf("other requests are no longer logged:\n%s", out)
	}
	t.Logf("%d public requests in %d count lines", public, len(lines))
}
