package db

import (
	"slices"
	"testing"
)

// TestMigrationParity keeps the two engines' schemas in step: every numbered
// migration exists for both, under the same name, so that a database moved
// from one engine to the other (or a release tested on one) has the same
// schema history.
func TestMigrationParity(t *testing.T) {
	steps := func(d Dialect) []string {
		t.Helper()
		ms, err := (&DB{Dialect: d}).Migrations()
		if err != nil {
			t.Fatalf("%s migrations: %v", d, err)
		}
		if len(ms) == 0 {
			t.Fatalf("no %s migrations embedded", d)
		}
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Name
			if m.Version != i+1 {
				t.Errorf("%s migration %d_%s: steps must be numbered 1, 2, 3 … without gaps", d, m.Version, m.Name)
			}
		}
		return out
	}
	lite, pg := steps(SQLite), steps(Postgres)
	if !slices.Equal(lite, pg) {
		t.Errorf("migration folders differ:\nsqlite   %q\npostgres %q", lite, pg)
	}
}
