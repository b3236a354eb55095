package app_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/coverage"
	"jiceng/internal/evaluation"
	"jiceng/internal/testrig"
)

func newApp(t *testing.T) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestRoutes lists every route with its auth level (go test -v shows the
// table) and checks that each is served once, by a handler.
func TestRoutes(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range newApp(t).Routes() {
		key := rt.Method + " " + rt.Pattern
		t.Logf("%-7s %-6s %s", rt.Method, rt.Auth, rt.Pattern)
		if seen[key] {
			t.Errorf("%s is routed twice", key)
		}
		seen[key] = true
		if rt.Handler == nil {
			t.Errorf("%s has no handler", key)
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d routes", len(seen))
	}
}

// TestModules: every module of the list is built once, with its service
// reachable by type and the background jobs serve runs.
func TestModules(t *testing.T) {
	a := newApp(t)
	if app.Service[*coverage.Service](a) == nil || app.Service[*evaluation.Service](a) == nil {
		t.Fatal("module services missing")
	}
	var names []string
	for _, d := range a.Domains() {
		names = append(names, d.Name)
	}
	if got := len(names); got != 5 {
		t.Errorf("modules %v", names)
	}
	jobs := map[string]time.Duration{}
	for _, j := range a.Jobs() {
		jobs[j.Name] = j.Every
	}
	want := map[string]time.Duration{"purge import sessions": time.Hour, "coverage snapshot": time.Hour, "ballot committer": 0, "ballot mixer": time.Minute}
	for n, every := range want {
		if got, ok := jobs[n]; !ok || got != every {
			t.Errorf("job %q every %v (present %v), want %v", n, got, ok, every)
		}
	}
	if len(jobs) != len(want) {
		t.Errorf("jobs %v", jobs)
	}
}
