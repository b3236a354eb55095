package api_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"jiceng/internal/api"
)

// TestSpecMatchesBefore checks that the merged document describes exactly
// what the single document before the split described.
func TestSpecMatchesBefore(t *testing.T) {
	before, err := os.ReadFile("testdata/openapi_before.json")
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	if err := json.Unmarshal(before, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(api.OpenAPIDocument(), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"paths", "components"} {
		w, g := want[key].(map[string]any), got[key].(map[string]any)
		for name := range w {
			if !reflect.DeepEqual(w[name], g[name]) {
				t.Errorf("%s %s differs", key, name)
			}
		}
		for name := range g {
			if _, ok := w[name]; !ok {
				t.Errorf("%s %s is new", key, name)
			}
		}
	}
	if !reflect.DeepEqual(want, got) {
		t.Error("the merged document differs from the one before")
	}
}
