package app_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/module"
)

// TestFragmentsDescribeTheirRoutes checks, for the kits and for every module
// of the module list, that its OpenAPI fragment (internal/api/<module>/
// openapi.json; the kits' in internal/api/openapi.json) describes exactly
// the /api/v1 routes it serves — its JSON handlers and the Excel exports
// its pages serve to API clients — so that a path is described by the
// module that serves it. A module with API routes and no fragment fails.
func TestFragmentsDescribeTheirRoutes(t *testing.T) {
	a := newApp(t)
	files := map[string]string{"the kits": filepath.Join("..", "api", "openapi.json")}
	routes := map[string][]module.Route{"the kits": a.KitRoutes()}
	for _, d := range a.Domains() {
		files[d.Name] = filepath.Join("..", "api", d.Name, "openapi.json")
		routes[d.Name], _ = a.ModuleRoutes(d.Name)
	}
	for name, rts := range routes {
		var served []string
		for _, rt := range rts {
			if strings.HasPrefix(rt.Pattern, "/api/v1/") {
				served = append(served, rt.Method+" "+rt.Pattern)
			}
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		b, err := os.ReadFile(files[name])
		if errors.Is(err, fs.ErrNotExist) && len(served) == 0 {
			continue
		}
		if err != nil {
			t.Errorf("%s serves %d API routes: %v", name, len(served), err)
			continue
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", files[name], err)
		}
		var described []string
		for p, ops := range doc.Paths {
			for m := range ops {
				if m != "parameters" {
					described = append(described, strings.ToUpper(m)+" "+p)
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
