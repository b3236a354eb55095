package coverage_test

import (
	"context"
	"testing"

	"jiceng/internal/coverage"
	"jiceng/internal/errs"
)

// TestStaleCoverageFormRefused: two saves of the coverage form from the same
// page (instructor 甲指导员, then 乙指导员) — the second is refused and the
// first one's instructor stays; a change without a version still works.
func TestStaleCoverageFormRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	u := f.unit(t, 1, f.ms, "450102001003", 10, 0)
	loaded, _ := f.cov.Get(ctx, f.admin, u.ID)
	saved, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: coverage.Instructor, Instructor: "甲指导员", Version: &loaded.Version})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != loaded.Version+1 {
		t.Errorf("version %d after the change, loaded %d", saved.Version, loaded.Version)
	}
	_, err = f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: coverage.Instructor, Instructor: "乙指导员", Version: &loaded.Version})
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("second save from the same page: %v", err)
	}
	got, _ := f.cov.Get(ctx, f.admin, u.ID)
	if got.Instructor != "甲指导员" || got.Version != saved.Version {
		t.Errorf("after the refused save: instructor %q, version %d", got.Instructor, got.Version)
	}
	hs, _ := f.cov.History(ctx, f.admin, u.ID)
	if n := len(hs); n == 0 || hs[n-1].Instructor != "甲指导员" {
		t.Errorf("history ends with %+v", hs[len(hs)-1])
	}
	if got, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: coverage.Instructor, Instructor: "丙指导员"}); err != nil || got.Instructor != "丙指导员" {
		t.Errorf("change without a version: %q %v", got.Instructor, err)
	}
}
