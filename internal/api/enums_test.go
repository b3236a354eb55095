package api_test

import (
	"encoding/json"
	"slices"
	"testing"

	"jiceng/internal/api"
	"jiceng/internal/coverage"
	"jiceng/internal/org"
	"jiceng/internal/people"
)

// TestQueryEnumsFollowTheDomain checks that the closed sets the document
// gives for query parameters are the sets the domain accepts, so that a new
// kind, level or category reaches the contract.
func TestQueryEnumsFollowTheDomain(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Schema   struct{ Enum []string }
			}
		}
	}
	if err := json.Unmarshal(api.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(cs []org.Choice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Key)
		}
		return out
	}
	orgSets := map[string][]string{"kind": keys(org.Kinds), "level": keys(org.Levels), "category": keys(org.Categories),
		"status": append(keys(org.Statuses), "all")}
	unitSets := map[string][]string{"category": keys(coverage.Categories), "size": keys(coverage.SizeClasses), "industry": keys(coverage.Industries),
		"coverage": keys(coverage.Statuses), "rule": {coverage.RuleFormOwn, coverage.RuleFormOwnJoint, coverage.RuleInstructor, "any"}}
	// Members are listed by the statuses of a current membership, or as
	// those whose membership ended.
	ages := []string{}
	for _, b := range people.AgeBands {
		ages = append(ages, b.Key)
	}
	memberSets := map[string][]string{"status": keys(people.MemberFilters), "kind": keys(people.Kinds), "gender": keys(people.Genders),
		"education": keys(people.EducationBands), "age_band": ages}
	transferSets := map[string][]string{"state": keys(people.TransferStates)}
	checked := 0
	for _, tc := range []struct {
		path string
		sets map[string][]string
	}{
		{"/api/v1/orgs", orgSets}, {"/api/v1/orgs/{id}/children", orgSets}, {"/api/v1/orgs/export.xlsx", orgSets}, {"/api/v1/orgs/{id}/export.xlsx", orgSets},
		{"/api/v1/units", unitSets}, {"/api/v1/units/export.xlsx", unitSets},
		{"/api/v1/people", memberSets}, {"/api/v1/people/export.xlsx", memberSets},
		{"/api/v1/transfers", transferSets}, {"/api/v1/transfers/export.xlsx", transferSets},
	} {
		op, ok := doc.Paths[tc.path]["get"]
		if !ok {
			t.Errorf("GET %s is not described", tc.path)
			continue
		}
		for _, p := range op.Parameters {
			want, ok := tc.sets[p.Name]
			if !ok || p.In != "query" {
				continue
			}
			checked++
			if !slices.Equal(p.Schema.Enum, want) {
				t.Errorf("GET %s ?%s: enum %v, the domain accepts %v", tc.path, p.Name, p.Schema.Enum, want)
			}
		}
	}
	if checked != 36 {
		t.Errorf("%d parameters checked, want 36", checked)
	}
}
