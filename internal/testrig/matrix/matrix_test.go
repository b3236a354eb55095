package matrix

import (
	"context"
	"slices"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/module"
	"jiceng/internal/testrig"
)

// TestMatrixRefusesUndeclaredRoutes: a route added without its line fails,
// and so do a line declared twice, a line without a route and a line that
// calls a route behind a login public.
func TestMatrixRefusesUndeclaredRoutes(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	rts, ok := RoutesOf(a, "orgs")
	if !ok || len(rts) < 20 {
		t.Fatalf("the routes of orgs: %d, %v", len(rts), ok)
	}
	var lines []Line
	for _, rt := range rts {
		need := LoggedIn
		if rt.Auth == module.Public {
			need = Public
		}
		lines = append(lines, L(rt.Method+" "+rt.Pattern, need, nil, ""))
	}
	public := slices.Clone(lines)
	public[slices.IndexFunc(public, func(l Line) bool { return l.Route == "GET /orgs" })].Need = Public
	for _, tc := range []struct {
		name  string
		rts   []module.Route
		lines []Line
		want  string
	}{
		{"a route without its line", append(slices.Clip(rts), module.Route{Method: "POST", Pattern: "/orgs/{id}/merge", Auth: module.Web}), lines,
			"route POST /orgs/{id}/merge has no permission declaration in the matrix of orgs"},
		{"a line twice", rts, append(slices.Clip(lines), L("GET /orgs", LoggedIn, nil, "")), "route GET /orgs is declared twice"},
		{"a line without its route", rts, append(slices.Clip(lines), L("GET /orgs/{id}/merge", LoggedIn, nil, "")),
			"the matrix of orgs declares GET /orgs/{id}/merge, which is not one of its routes"},
		{"public behind a login", rts, public, "route GET /orgs: declared (public) but its auth level is web"},
	} {
		table, problems := Declarations("orgs", tc.rts, tc.lines)
		if len(problems) != 1 || problems[0] != tc.want {
			t.Errorf("%s: problems %q, want %q", tc.name, problems, tc.want)
		}
		if len(table) != len(rts) {
			t.Errorf("%s: %d lines paired, want %d", tc.name, len(table), len(rts))
		}
	}
	if table, problems := Declarations("orgs", rts, lines); len(problems) != 0 || len(table) != len(rts) {
		t.Errorf("every route declared once: %d lines, problems %q", len(table), problems)
	}
}
