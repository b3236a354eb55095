package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/api"
	"jiceng/internal/api/accounts"
	"jiceng/internal/api/audit"
	"jiceng/internal/api/coverage"
	"jiceng/internal/api/evaluation"
	"jiceng/internal/api/orgs"
	"jiceng/internal/module"
	webaccounts "jiceng/internal/web/accounts"
	webaudit "jiceng/internal/web/audit"
	webcoverage "jiceng/internal/web/coverage"
	webevaluation "jiceng/internal/web/evaluation"
	weborgs "jiceng/internal/web/orgs"
)

func TestSpecRefusesTwice(t *testing.T) {
	base := []byte(`{"openapi": "3.1.0", "paths": {"/a": {}}, "components": {"schemas": {"Error": {}}}}`)
	for _, tc := range []struct{ name, frag, want string }{
		{"path of the base", `{"paths": {"/a": {}}}`, "path /a is defined twice"},
		{"schema of the base", `{"components": {"schemas": {"Error": {}}}}`, "components.schemas.Error is defined twice"},
		{"path of a fragment", `{"paths": {"/b": {}}}`, "path /b is defined twice"},
		{"another key", `{"info": {}}`, "unknown field"},
	} {
		frags := []api.Fragment{{Name: "one", JSON: []byte(`{"paths": {"/b": {}}}`)}, {Name: "two", JSON: []byte(tc.frag)}}
		if _, err := api.Spec(base, frags...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	doc, err := api.Spec(base, api.Fragment{Name: "one", JSON: []byte(`{"paths": {"/b": {"get": {"description": "<token>"}}}, "components": {"schemas": {"B": {}}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		OpenAPI    string
		Paths      map[string]any
		Components map[string]map[string]any
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if got.OpenAPI != "3.1.0" || len(got.Paths) != 2 || len(got.Components["schemas"]) != 2 || !strings.Contains(string(doc), "<token>") {
		t.Errorf("merged %s", doc)
	}
}

// TestFragmentsDescribeTheirRoutes checks that each module's fragment
// describes exactly the routes that module serves, so that a path is
// described where it is handled.
func TestFragmentsDescribeTheirRoutes(t *testing.T) {
	var k *api.Kit
	// A module's pages serve its Excel exports under /api/v1 too, to API
	// clients with their token: its fragment describes them.
	pages := func(rts []module.Route) []module.Route {
		var out []module.Route
		for _, rt := range rts {
			if strings.HasPrefix(rt.Pattern, "/api/v1/") {
				out = append(out, rt)
			}
		}
		return out
	}
	for dir, rts := range map[string][]module.Route{
		".":          k.Routes(),
		"accounts":   append((*accounts.Handlers)(nil).Routes(), pages((*webaccounts.Pages)(nil).Routes())...),
		"audit":      append((*audit.Handlers)(nil).Routes(), pages((*webaudit.Pages)(nil).Routes())...),
		"coverage":   append((*coverage.Handlers)(nil).Routes(), pages((*webcoverage.Pages)(nil).Routes())...),
		"evaluation": append((*evaluation.Handlers)(nil).Routes(), pages((*webevaluation.Pages)(nil).Routes())...),
		"orgs":       append((*orgs.Handlers)(nil).Routes(), pages((*weborgs.Pages)(nil).Routes())...),
	} {
		b, err := os.ReadFile(dir + "/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		var described, served []string
		for p, ops := range doc.Paths {
			for m := range ops {
				described = append(described, strings.ToUpper(m)+" "+p)
			}
		}
		for _, rt := range rts {
			served = append(served, rt.Method+" "+rt.Pattern)
		}
		slices.Sort(described)
		slices.Sort(served)
		if !slices.Equal(described, served) {
			t.Errorf("%s describes\n%v\nbut serves\n%v", dir, described, served)
		}
	}
}

// TestSpecReferencesResolve checks that every $ref of the merged document
// names a component some fragment or the base defines.
func TestSpecReferencesResolve(t *testing.T) {
	doc := api.OpenAPIDocument()
	var d struct {
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`"\$ref":\s*"#/components/(\w+)/(\w+)"`).FindAllStringSubmatch(string(doc), -1)
	if len(refs) == 0 {
		t.Fatal("no $ref found")
	}
	for _, m := range refs {
		if _, ok := d.Components[m[1]][m[2]]; !ok {
			t.Errorf("%s/%s is referred to but not defined", m[1], m[2])
		}
	}
}

func TestKitServesTheMergedDocument(t *testing.T) {
	k, err := api.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	k.OpenAPI(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" || !bytes.Equal(rec.Body.Bytes(), api.OpenAPIDocument()) {
		t.Errorf("%d %q %.200s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}
