package programs_test

import (
	"context"
	"testing"

	"jiceng/internal/evaluation"
)

// TestFirstSecTakenOutOfReview: a first secretary taken out of the year's
// review while it is a draft is free again: the next review of the year
// takes them, and only them; a subject added to the draft later is nobody's
// term.
func TestFirstSecTakenOutOfReview(t *testing.T) {
	f, ev, in := fsThreeToReview(t)
	ctx := context.Background()
	c, n, err := f.pg.OpenFirstSecReview(ctx, f.countyA, in)
	if err != nil || n != 3 {
		t.Fatalf("open: %d subjects, %v", n, err)
	}
	subs, err := ev.Subjects(ctx, f.countyA, c.ID)
	if err != nil || len(subs) != 3 {
		t.Fatalf("subjects %d, %v", len(subs), err)
	}
	// The newest subject's id is the one SQLite gives the next subject.
	out := subs[0]
	for _, s := range subs {
		if s.ID > out.ID {
			out = s
		}
	}
	if _, err := ev.RemoveSubject(ctx, f.countyA, c.ID, out.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.AddSubjects(ctx, f.countyA, c.ID, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "张三", Post: "村委委员", Unit: "某村"}}); err != nil {
		t.Fatal(err)
	}
	var claimed int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM fsec_reviews WHERE campaign_id = ?", c.ID).Scan(&claimed); err != nil || claimed != 2 {
		t.Fatalf("the draft claims %d terms (%v), want the 2 left in it", claimed, err)
	}
	c2, n2, err := f.pg.OpenFirstSecReview(ctx, f.countyA, in)
	if err != nil || n2 != 1 {
		t.Fatalf("the next review of 2025: %d subjects, %v; want the one taken out", n2, err)
	}
	subs2, err := ev.Subjects(ctx, f.countyA, c2.ID)
	if err != nil || len(subs2) != 1 || subs2[0].Name != out.Name {
		t.Fatalf("the next review's subjects %+v (%v), want %s", subs2, err, out.Name)
	}
}
