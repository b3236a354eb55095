package coverage_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/testrig"
)

// TestModuleJobs: the background work serve runs for the coverage module.
func TestModuleJobs(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := a.Domain("coverage")
	if !ok {
		t.Fatal("no coverage module in the list")
	}
	jobs := map[string]time.Duration{}
	for _, j := range d.Jobs {
		jobs[j.Name] = j.Every
	}
	if want := map[string]time.Duration{"coverage snapshot": time.Hour}; !maps.Equal(jobs, want) {
		t.Errorf("jobs %v, want %v", jobs, want)
	}
}
