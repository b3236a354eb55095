package evaluation_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"jiceng/internal/app"
	"jiceng/internal/testrig"
)

// TestModuleJobs: the background work serve runs for the evaluation module.
func TestModuleJobs(t *testing.T) {
	a, err := app.New(context.Background(), app.Config{DB: testrig.NewTestDB(t), Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := a.Domain("evaluation")
	if !ok {
		t.Fatal("no evaluation module in the list")
	}
	jobs := map[string]time.Duration{}
	for _, j := range d.Jobs {
		jobs[j.Name] = j.Every
	}
	if want := map[string]time.Duration{"ballot committer": 0, "ballot mixer": time.Minute}; !maps.Equal(jobs, want) {
		t.Errorf("jobs %v, want %v", jobs, want)
	}
}
