package programs_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/app"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var (
	regions = region.NewHolder()
	// now is 2026-03-10 10:00 in Beijing: the 2025 evaluation results are
	// out and the 2026 list is being drawn up.
	now = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	key = []byte("test-key-for-ballot-token-macs-0")
	// xingning is 兴宁区's tree with the demo's evaluation campaigns: the
	// 2025 述职评议 of the villages and communities of two streets,
	// published, which grades some of them 差.
	xingning = testrig.NewFixture("兴宁区 with its evaluations", func(ctx context.Context, d *db.DB) (int64, error) {
		res, err := org.NewService(d, regions).InitRegion(ctx, testrig.Admin, "450102")
		if err != nil {
			return 0, err
		}
		a, err := app.New(ctx, app.Config{DB: d, Key: key, Params: testrig.FastParams, Regions: regions, Now: func() time.Time { return now }})
		if err != nil {
			return 0, err
		}
		ev, _ := a.Domain("evaluation")
		if _, err := ev.Seed(ctx, module.Seeding{Region: "4501", RootID: res.RootID}); err != nil {
			return 0, err
		}
		return res.RootID, nil
	})
)

func TestMain(m *testing.M) { testrig.Main(m) }

// clock is the fixture's settable clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// fx is 兴宁区 with the programmes and accounts at its levels:
//
//	兴宁区委 (county)         county: organization department
//	└ 朝阳街道党工委 (street)  street: the street's organization department
//	  └ 虎邱村党组织 (village) secretary; graded 差 in the 2025 述职评议
type fx struct {
	a                 *app.App
	d                 *db.DB
	pg                *programs.Service
	cs                *cases.Service
	ppl               *people.Service
	clock             *clock
	county, street    org.Org
	village, other    org.Org // 虎邱村, and 兴宁社区 of 民生街道
	countyA, streetA  access.Actor
	secretary, auditr access.Actor
}

func newFx(t *testing.T) *fx {
	t.Helper()
	d, _ := xingning.Open(t)
	c := &clock{t: now}
	a, err := app.New(context.Background(), app.Config{DB: d, Key: key, Params: testrig.FastParams, Regions: regions, Now: func() time.Time { return c.Now() }})
	if err != nil {
		t.Fatal(err)
	}
	testrig.Cleanup(t, func() { _ = a.Close() })
	f := &fx{a: a, d: d, clock: c, pg: app.Service[*programs.Service](a), cs: app.Service[*cases.Service](a), ppl: app.Service[*people.Service](a)}
	f.county, f.street, f.village, f.other = f.get(t, "450102"), f.get(t, "450102002"), f.get(t, "450102002201"), f.get(t, "450102001003")
	perms := a.Core().Perms
	bind := func(id int64, name string, role access.Role, o org.Org) access.Actor {
		return perms.Bind(access.Actor{UserID: id, Username: name, Grants: []access.Grant{{Role: role, OrgPath: o.Path}}})
	}
	f.countyA = bind(10, "county", access.OrgAdmin, f.county)
	f.streetA = bind(11, "street", access.OrgAdmin, f.street)
	f.secretary = bind(12, "secretary", access.Secretary, f.village)
	f.auditr = bind(13, "auditor", access.Auditor, f.county)
	return f
}

func (f *fx) get(t *testing.T, code string) org.Org {
	t.Helper()
	l, _, err := f.a.Core().Orgs.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(l) == 0 {
		t.Fatalf("org %s: %v", code, err)
	}
	return l[0]
}

// state is what the tables of the ledger hold, to show that a refused
// step changed nothing.
func (f *fx) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, q := range []string{
		"SELECT id, state, reason, repeated, measures, leader, COALESCE(deadline, ''), COALESCE(accepted_on, ''), COALESCE(closed_on, ''), version FROM rect_cases ORDER BY id",
		"SELECT rect_id, source, ref FROM rect_evidence ORDER BY id",
		"SELECT rect_id, step, month, on_date FROM rect_steps ORDER BY id",
		"SELECT step_id, name, size FROM rect_files ORDER BY id",
		"SELECT COUNT(*) FROM audit_log",
	} {
		rows, err := f.d.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

// flaggedOrgs are the organizations the published campaigns of year name
// for rectification, read through the evaluation module's own results
// page (Flags), by name.
func (f *fx) flaggedOrgs(t *testing.T, year int) map[int64]string {
	t.Helper()
	ctx := context.Background()
	ev := app.Service[*evaluation.Service](f.a)
	cs, _, err := ev.List(ctx, testrig.Admin, evaluation.CampaignQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, c := range cs {
		if c.Year != year || c.Status != evaluation.StatusPublished {
			continue
		}
		subs, err := ev.Flags(ctx, testrig.Admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			if s.OrgID != nil {
				out[*s.OrgID] = c.Name
			}
		}
	}
	return out
}

// photo is a small PNG, as a phone would not send but a scanner might.
func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// must is what a step answers, failing the test on an error.
func must(t *testing.T) func(programs.Rect, error) programs.Rect {
	return func(r programs.Rect, err error) programs.Rect {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// refused checks that err is the error with the message want, in Chinese.
func refused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if got := errText(err); !strings.Contains(got, want) {
		t.Fatalf("error %q, want %q", got, want)
	}
}

// errText is an error's Chinese message with every field's.
func errText(err error) string {
	e := errs.As(err)
	parts := []string{e.ZH}
	for _, d := range e.Details {
		parts = append(parts, d.Field+": "+d.ZH)
	}
	return strings.Join(parts, "; ")
}
