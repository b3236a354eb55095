package org_test

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestDatesFollowTheClock: on a fixed clock at 00:30 on 1 December in
// Shanghai (still 30 November in UTC), a dissolution without a date is
// dated 1 December, a founding date after the clock is refused, and the
// rows are stamped with the clock's time.
func TestDatesFollowTheClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
	s, _ := newNanning(t)
	s.WithClock(func() time.Time { return now })
	ms := byRegion(t, s, "450102001")
	_, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道明日公司党支部", Kind: "branch", FoundedOn: "2026-12-02"})
	if e := errs.As(err); e == nil || e.Kind != errs.Invalid {
		t.Fatalf("founded after the clock's day: %v, want refused", err)
	}
	b, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道某公司党支部", Kind: "branch", FoundedOn: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	if want := db.FormatTime(now); b.CreatedAt != want || b.UpdatedAt != want {
		t.Errorf("stamped %s / %s, want %s", b.CreatedAt, b.UpdatedAt, want)
	}
	d, err := s.Dissolve(ctx, testrig.Admin, b.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.DissolvedOn != "2026-12-01" {
		t.Errorf("dissolved on %s, want 2026-12-01, the day in Shanghai", d.DissolvedOn)
	}
}
