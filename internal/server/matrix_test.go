package server_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"jiceng/internal/app"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix (internal/testrig/matrix) of the kits' own
// routes. Each module keeps the lines of its own routes in its pages'
// folder, internal/web/<m>/matrix_test.go.
var lines = []matrix.Line{
	matrix.L("GET /healthz", matrix.Public, nil, ""),
	matrix.L("GET /static/", matrix.Public, nil, ""),
	matrix.L("GET /favicon.ico", matrix.Public, nil, ""),
	matrix.L("GET /lang", matrix.Public, nil, ""),
	matrix.L("GET /api/v1/openapi.json", matrix.Public, nil, ""),
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, matrix.Kits, lines)
}

// TestEveryRouteHasItsMatrix: every route the server serves is the kits'
// or one module's, and the kits and every module of the list run their
// matrix, which fails for a route without its line. A module added to the
// list without a matrix of its own fails here.
func TestEveryRouteHasItsMatrix(t *testing.T) {
	t.Parallel()
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	owners := []string{matrix.Kits}
	for _, d := range a.Domains() {
		owners = append(owners, d.Name)
	}
	ownerOf := map[string]string{}
	for _, o := range owners {
		rts, ok := matrix.RoutesOf(a, o)
		if !ok {
			t.Fatalf("no routes of %s", o)
		}
		for _, rt := range rts {
			key := rt.Method + " " + rt.Pattern
			if prev, dup := ownerOf[key]; dup {
				t.Errorf("route %s is both %s's and %s's", key, prev, o)
			}
			ownerOf[key] = o
		}
	}
	all := a.Routes()
	for _, rt := range all {
		if key := rt.Method + " " + rt.Pattern; ownerOf[key] == "" {
			t.Errorf("route %s belongs to no module: no matrix checks it", key)
		}
	}
	if len(all) != len(ownerOf) || len(all) < 100 {
		t.Errorf("%d routes served, %d of the kits and modules", len(all), len(ownerOf))
	}
	ran, err := matrix.Owners("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range owners {
		switch files := ran[o]; len(files) {
		case 0:
			if o == matrix.Kits {
				t.Errorf("the kits' routes run no matrix: internal/server/matrix_test.go runs it with matrix.Run(t, matrix.Kits, lines)")
				continue
			}
			t.Errorf("%s runs no matrix: add internal/web/%s/matrix_test.go with a line per route and matrix.Run(t, %q, lines)", o, o, o)
		case 1:
		default:
			t.Errorf("the matrix of %s is run twice: %v", o, files)
		}
	}
	for o, files := range ran {
		if !slices.Contains(owners, o) {
			t.Errorf("%v run the matrix of %q, which is not a module of the list", files, o)
		}
	}
}
