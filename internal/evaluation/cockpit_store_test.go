package evaluation_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
)

// ckVillage answers every leaf of the village template with one level of
// 好/较好/一般/差 and one of 满意/基本满意/不满意.
func ckVillage(good, sat float64) map[string]float64 {
	return map[string]float64{"duty": good, "team": good, "life": good, "education": good, "service": good, "integrity": good, "satisfaction": sat}
}

// ckRun creates a campaign of year owned by owner with the subjects in,
// opens it, casts five ballots per rater group with the answers that
// answer gives (group, subject index → answers, nil to leave the subject
// out), and closes it; publish publishes it too.
func (f *fx) ckRun(t *testing.T, owner org.Org, year int, rules evaluation.Rules, in []evaluation.SubjectInput,
	answer func(group string, i int) map[string]float64, publish bool) evaluation.Campaign {
	t.Helper()
	ctx := context.Background()
	opens, closes := window()
	c, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: owner.ID, Name: fmt.Sprintf("%d年度测评 %d", year, len(in)),
		Type: rules.Type, Year: year, OpensAt: opens, ClosesAt: closes, Rules: rules})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	subs, err := f.ev.AddSubjects(ctx, f.admin, c.ID, in)
	if err != nil {
		t.Fatalf("subjects: %v", err)
	}
	codes := map[string][]string{}
	for _, g := range rules.Groups {
		codes[g.Key] = f.issue(t, c, g.Key, 5)
	}
	if _, err := f.ev.Open(ctx, f.admin, c.ID); err != nil {
		t.Fatalf("open: %v", err)
	}
	for g, cs := range codes {
		for _, code := range cs {
			scores := map[string]map[string]float64{}
			for i, sb := range subs {
				if a := answer(g, i); a != nil {
					scores[sb.Key] = a
				}
			}
			if _, err := f.ev.CastBallot(ctx, code, scores, ""); err != nil {
				t.Fatalf("cast: %v", err)
			}
		}
	}
	if !publish {
		return c
	}
	if _, err := f.ev.Close(ctx, f.admin, c.ID); err != nil {
		t.Fatalf("close: %v", err)
	}
	if c, err = f.ev.Publish(ctx, f.admin, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

// TestYearOverview counts the published results of 兴宁区 by hand:
//
//	2026 述职评议 owned by the district: 三塘镇's v0 好 (100), v1 较好 (88),
//	     v2 好 by its total but vetoed (the masses 不满意) → 差; 民生街道's
//	     m0 一般 (68), m1 差 (40, vetoed too), m2 ungraded (the masses left
//	     it out).
//	2026 第一书记评议 owned by 三塘镇: one first secretary, 基本合格 (66).
//	2026 述职评议 of v4, still open: not counted.
//	2025 述职评议 of v3: 好.
//
// It checks the totals, the grades by their names, each child of the
// district, the year switch, last year's campaigns when a year has none, and
// who may read.
func TestYearOverview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	streets, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.other.ID, ChildrenOnly: true, Limit: 3})
	if err != nil || len(streets) != 3 {
		t.Fatalf("communities of 民生街道: %v %d", err, len(streets))
	}
	orgsIn := func(os ...org.Org) []evaluation.SubjectInput {
		var in []evaluation.SubjectInput
		for _, o := range os {
			in = append(in, evaluation.SubjectInput{Kind: evaluation.SubjectOrg, OrgID: o.ID})
		}
		return in
	}
	v := f.villages
	review := evaluation.TemplateVillageSecretary()
	f.ckRun(t, f.district, 2026, review, orgsIn(v[0], v[1], v[2], streets[0], streets[1], streets[2]), func(g string, i int) map[string]float64 {
		switch i {
		case 0:
			return ckVillage(100, 100)
		case 1:
			return ckVillage(85, 100)
		case 2:
			if g == "masses" {
				return ckVillage(100, 0)
			}
			return ckVillage(100, 100)
		case 3:
			return ckVillage(70, 60)
		case 4:
			return ckVillage(50, 0)
		}
		if g == "masses" {
			return nil
		}
		return ckVillage(100, 100)
	}, true)
	fs := evaluation.TemplateFirstSecretary()
	f.ckRun(t, f.town, 2026, fs, []evaluation.SubjectInput{{Kind: evaluation.SubjectPerson, Name: "张明", Post: "第一书记", Unit: "南宁市财政局"}},
		func(string, int) map[string]float64 {
			return map[string]float64{"build": 60, "develop": 60, "serve": 60, "govern": 60, "stay": 100}
		}, true)
	f.ckRun(t, f.district, 2026, review, orgsIn(v[4]), func(string, int) map[string]float64 { return ckVillage(50, 0) }, false)
	f.ckRun(t, f.district, 2025, review, orgsIn(v[3]), func(string, int) map[string]float64 { return ckVillage(100, 100) }, true)

	ov := evaluation.NewOverviews(f.ev)
	got, err := ov.Of(ctx, f.admin, f.district.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got.Campaigns != 2 || got.Rated != 7 || got.Graded != 6 || got.Ungraded != 1 || got.Top != 1 || got.Flagged != 2 || got.Vetoed != 2 || got.FlaggedOrgs != 2 || got.PrevCampaigns != 0 {
		t.Errorf("district 2026: %+v", got)
	}
	wantGrades := []evaluation.GradeCount{{Grade: "好", Subjects: 1}, {Grade: "较好", Subjects: 1}, {Grade: "一般", Subjects: 1}, {Grade: "差", Subjects: 2}, {Grade: "优秀", Subjects: 0}, {Grade: "合格", Subjects: 0}, {Grade: "基本合格", Subjects: 1}, {Grade: "不合格", Subjects: 0}}
	if !reflect.DeepEqual(got.Grades, wantGrades) {
		t.Errorf("grades %v, want %v", got.Grades, wantGrades)
	}
	if fmt.Sprint(got.TopGrades, got.LowGrades) != "[好 优秀] [差 不合格]" {
		t.Errorf("top %v, low %v", got.TopGrades, got.LowGrades)
	}
	kids, _, err := f.orgs.List(ctx, f.admin, org.ListQuery{Under: f.district.ID, ChildrenOnly: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Children) != len(kids) {
		t.Fatalf("%d children, want every active child (%d)", len(got.Children), len(kids))
	}
	want := []evaluation.ChildOverview{
		{OrgID: f.town.ID, Name: f.town.Label(), Rated: 4, Graded: 4, Top: 1, Flagged: 1, Vetoed: 1},
		{OrgID: f.other.ID, Name: f.other.Label(), Rated: 3, Graded: 2, Top: 0, Flagged: 1, Vetoed: 1},
	}
	if !reflect.DeepEqual(got.Children[:2], want) {
		t.Errorf("children %+v, want %+v", got.Children[:2], want)
	}
	for _, c := range got.Children[2:] {
		if c.Rated != 0 || c.Flagged != 0 {
			t.Errorf("child %+v counts subjects it has none of", c)
		}
	}

	// The town: its three communities and its first secretary; a child
	// that is a community counts its own subject.
	got, err = ov.Of(ctx, f.admin, f.town.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got.Campaigns != 2 || got.Rated != 4 || got.Top != 1 || got.Flagged != 1 || got.FlaggedOrgs != 1 {
		t.Errorf("town 2026: %+v", got)
	}
	if c := got.Children[0]; c.OrgID != v[2].ID || c.Rated != 1 || c.Flagged != 1 || c.Vetoed != 1 {
		t.Errorf("the town's first child %+v, want %s flagged", c, v[2].Name)
	}

	// The year switch, and the campaigns of the year before when a year
	// has none.
	for _, tc := range []struct {
		o                  org.Org
		year, rated, top   int
		campaigns, prev    int
		firstChildTopRated int64
	}{
		{f.district, 2025, 1, 1, 1, 0, f.town.ID},
		{f.town, 2024, 0, 0, 0, 0, 0},
		{f.town, 2027, 0, 0, 0, 2, 0},
		{f.other, 2027, 0, 0, 0, 1, 0},
		{f.other, 2026 + 2, 0, 0, 0, 0, 0},
	} {
		got, err := ov.Of(ctx, f.admin, tc.o.ID, tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rated != tc.rated || got.Top != tc.top || got.Campaigns != tc.campaigns || got.PrevCampaigns != tc.prev {
			t.Errorf("%s %d: %+v", tc.o.Name, tc.year, got)
		}
		if tc.firstChildTopRated != 0 && (got.Children[0].OrgID != tc.firstChildTopRated || got.Children[0].Rated != 1) {
			t.Errorf("%s %d: children %+v", tc.o.Name, tc.year, got.Children)
		}
	}

	// Read twice, the kept grades give the same figures.
	a, _ := ov.Of(ctx, f.admin, f.district.ID, 2026)
	b, _ := evaluation.NewOverviews(f.ev).Of(ctx, f.admin, f.district.ID, 2026)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("kept grades differ:\n%+v\n%+v", a, b)
	}

	// A secretary of 民生街道 reads its organization, but not the
	// district's campaign; a secretary of the town reads its own campaign
	// only; a reader of nothing here is refused.
	as := func(role access.Role, o org.Org) access.Actor {
		return testPerms.Bind(access.Actor{UserID: 9, Username: string(role), Grants: []access.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path}}})
	}
	if got, err := ov.Of(ctx, as(access.Secretary, f.other), f.other.ID, 2026); err != nil || got.Rated != 0 || got.Campaigns != 0 {
		t.Errorf("民生's secretary: %+v %v", got, err)
	}
	if got, err := ov.Of(ctx, as(access.Secretary, f.town), f.town.ID, 2026); err != nil || got.Rated != 1 || got.Campaigns != 1 {
		t.Errorf("the town's secretary: %+v %v", got, err)
	}
	if _, err := ov.Of(ctx, as(access.Secretary, f.town), f.district.ID, 2026); err == nil {
		t.Errorf("the town's secretary reads the district")
	}
	if _, err := ov.Of(ctx, as(access.CaseHandler, f.district), f.district.ID, 2026); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a case handler: %v, want forbidden", err)
	}

	// Results that no longer match their checksum are refused.
	if _, err := f.d.Exec(ctx, f.d.Rebind("UPDATE campaigns SET results_json = REPLACE(results_json, '\"grade\":\"较好\"', '\"grade\":\"好\"') WHERE year = 2026")); err != nil {
		t.Fatal(err)
	}
	if _, err := evaluation.NewOverviews(f.ev).Of(ctx, f.admin, f.district.ID, 2026); err == nil {
		t.Errorf("tampered results were counted")
	}
}
