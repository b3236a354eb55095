package evaluation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var regions = region.NewHolder()

// xingning is the tree of 兴宁区, seeded once for the package's tests.
var xingning = testrig.Tree(regions, "450102")

func TestMain(m *testing.M) { testrig.Main(m) }

// fx is a migrated database with the territorial tree of 兴宁区 and the
// evaluation service over it.
type fx struct {
	d        *db.DB
	orgs     *org.Service
	ev       *evaluation.Service
	key      []byte    // the service's ballot-token key
	district org.Org   // 兴宁区委
	town     org.Org   // 三塘镇党委
	other    org.Org   // 民生街道党工委, outside 三塘镇
	villages []org.Org // the first five communities of 三塘镇
	admin    access.Actor
}

func newFx(t *testing.T) *fx {
	t.Helper()
	ctx := context.Background()
	d, _ := xingning.Open(t)
	orgs := org.NewService(d, regions)
	key, err := evaluation.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Org {
		l, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("org %s: %v %d", code, err, len(l))
		}
		return l[0]
	}
	f := &fx{d: d, orgs: orgs, ev: evaluation.NewService(d, orgs, key), key: key, district: get("450102"), town: get("450102101"), other: get("450102001"), admin: testrig.Admin}
	kids, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{Under: f.town.ID, ChildrenOnly: true, Limit: 5})
	if err != nil || len(kids) != 5 {
		t.Fatalf("villages: %v %d", err, len(kids))
	}
	f.villages = kids
	return f
}

// window is an opening time an hour ago and a closing time in an hour.
func window() (time.Time, time.Time) {
	now := time.Now()
	return now.Add(-time.Hour), now.Add(time.Hour)
}

// villageCampaign creates a draft 述职评议 of the first n communities of 三塘镇
// with the village template.
func (f *fx) villageCampaign(t *testing.T, n int) (evaluation.Campaign, []evaluation.Subject) {
	t.Helper()
	ctx := context.Background()
	opens, closes := window()
	c, err := f.ev.CreateCampaign(ctx, f.admin, evaluation.CampaignInput{OwnerOrgID: f.town.ID, Name: "2026年度村（社区）党组织书记抓基层党建述职评议",
		Type: evaluation.TypeReview, Year: 2026, OpensAt: opens, ClosesAt: closes, Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	var in []evaluation.SubjectInput
	for _, v := range f.villages[:n] {
		in = append(in, evaluation.SubjectInput{Kind: evaluation.SubjectOrg, OrgID: v.ID})
	}
	subs, err := f.ev.AddSubjects(ctx, f.admin, c.ID, in)
	if err != nil {
		t.Fatalf("subjects: %v", err)
	}
	return c, subs
}

// villageAnswers are random answers on the village template's levels.
func villageAnswers(r *rand.Rand) map[string]float64 {
	good := []float64{100, 85, 70, 50}
	sat := []float64{100, 60, 0}
	out := map[string]float64{"satisfaction": sat[r.IntN(len(sat))]}
	for _, k := range []string{"duty", "team", "life", "education", "service", "integrity"} {
		out[k] = good[r.IntN(len(good))]
	}
	return out
}

func (f *fx) issue(t *testing.T, c evaluation.Campaign, group string, n int) []string {
	t.Helper()
	codes, err := f.ev.IssueTokens(context.Background(), f.admin, c.ID, group, n)
	if err != nil {
		t.Fatalf("issue %s: %v", group, err)
	}
	if len(codes) != n {
		t.Fatalf("issue %s: %d codes, want %d", group, len(codes), n)
	}
	return codes
}

func (f *fx) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// wantErr fails unless err has kind k and exactly the Chinese message msg.
func wantErr(t *testing.T, what string, err error, k errs.Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %q", what, msg)
	}
	e := errs.As(err)
	if e.Kind != k || e.ZH != msg {
		t.Fatalf("%s: got %s %q, want %s %q", what, e.Kind, e.ZH, k, msg)
	}
}

// spearman is the rank correlation of two rankings of the same n items,
// given as the positions of item i in each.
func spearman(a, b []int) float64 {
	n := float64(len(a))
	var d2 float64
	for i := range a {
		d := float64(a[i] - b[i])
		d2 += d * d
	}
	return 1 - 6*d2/(n*(n*n-1))
}

func keys(subs []evaluation.Subject) []string {
	out := make([]string, len(subs))
	for i, s := range subs {
		out[i] = s.Key
	}
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }
