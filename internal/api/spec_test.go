package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/api"
)

func TestSpecRefusesTwice(t *testing.T) {
	base := []byte(`{"openapi": "3.1.0", "paths": {"/a": {}}, "components": {"schemas": {"Error": {}}}}`)
	for _, tc := range []struct{ name, frag, want string }{
		{"path of the base", `{"paths": {"/a": {}}}`, "path /a is defined twice"},
		{"schema of the base", `{"components": {"schemas": {"Error": {}}}}`, "components.schemas.Error is defined twice"},
		{"path of a fragment", `{"paths": {"/b": {}}}`, "path /b is defined twice"},
		{"another key", `{"info": {}}`, "unknown field"},
		{"tag of a fragment", `{"tags": [{"name": "one"}]}`, "tag one is defined twice"},
		{"undeclared tag", `{"paths": {"/c": {"parameters": [], "get": {"tags": ["three"]}}}}`, "get /c has the tag three, which no fragment declares"},
	} {
		frags := []api.Fragment{{Name: "one", JSON: []byte(`{"tags": [{"name": "one"}], "paths": {"/b": {"get": {"tags": ["one"]}}}}`)}, {Name: "two", JSON: []byte(tc.frag)}}
		if _, err := api.Spec(base, frags...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	doc, err := api.Spec(base, api.Fragment{Name: "one", JSON: []byte(`{"tags": [{"name": "one", "description": "x"}], "paths": {"/b": {"get": {"tags": ["one"], "description": "<token>"}}}, "components": {"schemas": {"B": {}}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		OpenAPI    string
		Tags       []map[string]string
		Paths      map[string]any
		Components map[string]map[string]any
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	if got.OpenAPI != "3.1.0" || len(got.Tags) != 1 || got.Tags[0]["name"] != "one" || len(got.Paths) != 2 || len(got.Components["schemas"]) != 2 || !strings.Contains(string(doc), "<token>") {
		t.Errorf("merged %s", doc)
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
