package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/module"
)

// TestFragmentsDescribeTheirRoutes checks, for the kits and for every module
// of the module list, that its OpenAPI fragment (internal/api/<module>/
// openapi.json and any openapi-<ledger>.json beside it; the kits' in
// internal/api/openapi.json) describes exactly
// the /api/v1 routes it serves — its JSON handlers and the Excel exports
// its pages serve to API clients — so that a path is described by the
// module that serves it. A module with API routes and no fragment fails.
func TestFragmentsDescribeTheirRoutes(t *testing.T) {
	a := newApp(t)
	files := map[string][]string{"the kits": {filepath.Join("..", "api", "openapi.json")}}
	routes := map[string][]module.Route{"the kits": a.KitRoutes()}
	for _, d := range a.Domains() {
		// A module's fragment, and those of its ledgers beside it.
		files[d.Name], _ = filepath.Glob(filepath.Join("..", "api", d.Name, "openapi*.json"))
		routes[d.Name], _ = a.ModuleRoutes(d.Name)
	}
	for name, rts := range routes {
		var served []string
		for _, rt := range rts {
			if strings.HasPrefix(rt.Pattern, "/api/v1/") {
				served = append(served, rt.Method+" "+rt.Pattern)
			}
		}
		if len(files[name]) == 0 {
			if len(served) > 0 {
				t.Errorf("%s serves %d API routes and has no openapi.json", name, len(served))
			}
			continue
		}
		var described []string
		for _, f := range files[name] {
			var doc struct {
				Paths map[string]map[string]json.RawMessage `json:"paths"`
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for p, ops := range doc.Paths {
				for m := range ops {
					if m != "parameters" {
						described = append(described, strings.ToUpper(m)+" "+p)
					}
				}
			}
		}
		slices.Sort(described)
		slices.Sort(served)
		if !slices.Equal(described, served) {
			t.Errorf("%s describes\n%v\nbut %s serves\n%v", files[name], described, name, served)
		}
	}
}
