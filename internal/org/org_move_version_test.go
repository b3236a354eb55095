package org_test

import (
	"context"
	"testing"

	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// TestStaleMoveRefused: two people open the move page of the same branch;
// one moves it under 民生街道's neighbour, the other, from the page loaded
// before, picks a third parent: the second move is refused and the branch
// stays where the first put it.
func TestStaleMoveRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	ms, st := byRegion(t, s, "450102001"), byRegion(t, s, "450102101")
	b, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道某公司党支部", Kind: "branch"})
	if err != nil {
		t.Fatal(err)
	}
	loaded, _ := s.Get(ctx, testrig.Admin, b.ID)
	moved, err := s.MoveAt(ctx, testrig.Admin, b.ID, st.ID, &loaded.Version)
	if err != nil {
		t.Fatal(err)
	}
	other := byRegion(t, s, "450102001003")
	_, err = s.MoveAt(ctx, testrig.Admin, b.ID, other.ID, &loaded.Version)
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("move from the stale page: %v", err)
	}
	got, _ := s.Get(ctx, testrig.Admin, b.ID)
	if got.ParentID == nil || *got.ParentID != st.ID || got.Version != moved.Version {
		t.Errorf("parent %v version %d, want %d version %d", got.ParentID, got.Version, st.ID, moved.Version)
	}
	if _, err := s.MoveAt(ctx, testrig.Admin, b.ID, other.ID, &got.Version); err != nil {
		t.Errorf("move from a fresh page: %v", err)
	}
}
