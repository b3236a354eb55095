package evaluation

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRulesRoundTripWithoutParentScales checks that rules as the API
// answers them carry a scale on leaves only, and that they validate and
// come back unchanged when written back as read.
func TestRulesRoundTripWithoutParentScales(t *testing.T) {
	rules := TemplateVillageSecretary().WithDefaults()
	b, err := json.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"kind":""`) {
		t.Errorf("an empty scale kind is written: %s", b)
	}
	var raw struct {
		Indicators []map[string]any `json:"indicators"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	parents, leaves := 0, 0
	for _, in := range raw.Indicators {
		_, hasScale := in["scale"]
		if _, parent := in["children"]; parent {
			parents++
			if hasScale {
				t.Errorf("parent %v has a scale", in["key"])
			}
		} else {
			leaves++
			if !hasScale {
				t.Errorf("leaf %v has no scale", in["key"])
			}
		}
	}
	if parents != 1 || leaves != 5 {
		t.Errorf("%d parents and %d leaves at the top, want 1 and 5", parents, leaves)
	}
	var back Rules
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Errorf("rules read back do not validate: %v", err)
	}
	if !reflect.DeepEqual(back, rules) {
		t.Errorf("rules changed on the way:\n%+v\n%+v", back, rules)
	}
}
