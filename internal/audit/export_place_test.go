package audit

import (
	"testing"

	"jiceng/internal/access"
)

// TestExportPlace: an export's entry is filed at the nearest organization
// above every grant of the exporter.
func TestExportPlace(t *testing.T) {
	t.Parallel()
	grants := func(paths ...string) access.Actor {
		var a access.Actor
		for _, p := range paths {
			a.Grants = append(a.Grants, access.Grant{OrgPath: p})
		}
		return a
	}
	for _, tc := range []struct {
		actor access.Actor
		want  string
	}{
		{grants("/1/17/203/"), "/1/17/203/"},
		{grants("/1/17/203/", "/1/"), "/1/"},
		{grants("/1/17/203/", "/1/17/204/"), "/1/17/"},
		{grants("/1/17/", "/1/170/"), "/1/"},
		{grants("/1/", "/2/"), ""},
		{grants(), ""},
	} {
		if got := exportPlace(tc.actor); got != tc.want {
			t.Errorf("grants %v: filed at %q, want %q", tc.actor.Grants, got, tc.want)
		}
	}
}
