package org_test

import (
	"context"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

// testPerms is the permission catalogue of the platform's part alone; the actors these
// tests build are bound to it, as the accounts service binds real ones.
var testPerms = access.MustCatalogue()

// regions is shared by the tests of this package: loading the national data
// once keeps the suite fast.
var regions = region.NewHolder()

// nanning is the tree of 南宁市, seeded once for the package's tests.
var nanning = testrig.Tree(regions, "4501")

func TestMain(m *testing.M) { testrig.Main(m) }

func newNanning(t *testing.T) (*org.Service, org.InitResult) {
	t.Helper()
	d, res := nanning.Open(t)
	return org.NewService(d, regions), res
}

func byRegion(t *testing.T, s *org.Service, code string) org.Org {
	t.Helper()
	os, _, err := s.List(context.Background(), testrig.Admin, org.ListQuery{RegionCode: code})
	if err != nil || len(os) != 1 {
		t.Fatalf("org of region %s: %v (%d found)", code, err, len(os))
	}
	return os[0]
}

func TestInitNanning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, res := newNanning(t)
	if res.Created != 2007 || res.Divisions != 2007 {
		t.Fatalf("created %d of %d divisions, want 2007", res.Created, res.Divisions)
	}
	_, c, err := s.Stats(ctx, testrig.Admin, res.RootID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"city": 1, "county": 12, "township": 138, "village": 1856}
	for k, v := range want {
		if c.ByLevel[k] != v {
			t.Errorf("level %s: %d organizations, want %d", k, c.ByLevel[k], v)
		}
	}
	if c.Total != 2007 || c.Children != 12 {
		t.Errorf("total %d children %d, want 2007 and 12", c.Total, c.Children)
	}
	for code, name := range map[string][2]string{
		"4501":      {"中共南宁市委员会", "南宁市委"},
		"450102":    {"中共兴宁区委员会", "兴宁区委"},
		"450123":    {"中共隆安县委员会", "隆安县委"},
		"450181":    {"中共横州市委员会", "横州市委"},
		"450102001": {"中共民生街道工作委员会", "民生街道党工委"},
		"450102101": {"中共三塘镇委员会", "三塘镇党委"},
	} {
		o := byRegion(t, s, code)
		if o.Name != name[0] || o.ShortName != name[1] {
			t.Errorf("%s: %s / %s, want %s / %s", code, o.Name, o.ShortName, name[0], name[1])
		}
	}
	ms := byRegion(t, s, "450102001")
	if ms.Kind != "work_committee" || !ms.KindConfirmed {
		t.Errorf("民生街道 kind %s confirmed %v", ms.Kind, ms.KindConfirmed)
	}
	kids, total, err := s.List(ctx, testrig.Admin, org.ListQuery{Under: ms.ID, ChildrenOnly: true, Limit: 100})
	if err != nil || total != 13 {
		t.Fatalf("民生街道 children: %d, %v", total, err)
	}
	for _, k := range kids {
		if k.Kind != "branch" || k.KindConfirmed || !strings.HasSuffix(k.Name, "党支部") {
			t.Errorf("village org %s kind %s confirmed %v", k.Name, k.Kind, k.KindConfirmed)
		}
	}
	again, err := s.InitRegion(ctx, testrig.Admin, "4501")
	if err != nil || again.Created != 0 || again.Renamed != 0 || again.Relinked != 0 {
		t.Fatalf("re-run: %+v %v", again, err)
	}
	// A user's rename survives a re-run: only a renamed division renames.
	name := "兴宁区委（已改名）"
	xn := byRegion(t, s, "450102")
	if _, err := s.Update(ctx, testrig.Admin, xn.ID, org.Patch{ShortName: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InitRegion(ctx, testrig.Admin, "4501"); err != nil {
		t.Fatal(err)
	}
	if got := byRegion(t, s, "450102").ShortName; got != name {
		t.Errorf("after re-run short name %q, want %q", got, name)
	}
}

func TestInitLargerRegionAttachesOldRoot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	if _, err := s.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	res, err := s.InitRegion(ctx, testrig.Admin, "4501")
	if err != nil {
		t.Fatal(err)
	}
	if res.Relinked != 1 || res.Created != 2007-1-7-119+1-1 && res.Created == 0 {
		t.Logf("result %+v", res)
	}
	xn := byRegion(t, s, "450102")
	root := byRegion(t, s, "4501")
	if xn.ParentID == nil || *xn.ParentID != root.ID {
		t.Fatalf("兴宁区委 parent %v, want %d", xn.ParentID, root.ID)
	}
	_, c, _ := s.Stats(ctx, testrig.Admin, root.ID)
	if c.Total != 2007 {
		t.Fatalf("total %d, want 2007", c.Total)
	}
	assertAggregates(t, s)
}

func TestInitErrors(t *testing.T) {
	t.Parallel()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	for code, want := range map[string]string{
		"9999":  "区划代码 9999 不存在（2023 年统计用区划代码）",
		"45010": "区划代码 45010 格式不正确：应为 2、4、6、9 或 12 位数字，或 all",
	} {
		_, err := s.InitRegion(context.Background(), testrig.Admin, code)
		if err == nil || errs.As(err).ZH != want {
			t.Errorf("init %s: %v, want %q", code, err, want)
		}
	}
}

// assertAggregates compares every organization's aggregate total with a
// recursive count over the rows.
func assertAggregates(t *testing.T, s *org.Service) {
	t.Helper()
	ctx := context.Background()
	all, _, err := s.List(ctx, testrig.Admin, org.ListQuery{Status: "all", Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		_, c, err := s.Stats(ctx, testrig.Admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.RecountCTE(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != n {
			t.Fatalf("%s (%d): aggregate total %d, recount %d", o.Name, o.ID, c.Total, n)
		}
	}
}

func TestCreateMoveDissolveKeepAggregates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	if _, err := s.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	towns, _, _ := s.List(ctx, testrig.Admin, org.ListQuery{Level: "township", Limit: 100})
	rng := rand.New(rand.NewSource(7))
	var made []org.Org
	for i := 0; i < 40; i++ {
		p := towns[rng.Intn(len(towns))]
		if len(made) > 0 && rng.Intn(3) == 0 {
			p = made[rng.Intn(len(made))]
		}
		o, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: p.ID, Name: "测试党支部" + string(rune('A'+i)), Kind: "党支部", Category: "非公企业"})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, o)
	}
	for i := 0; i < 30; i++ {
		o := made[rng.Intn(len(made))]
		to := towns[rng.Intn(len(towns))]
		if rng.Intn(2) == 0 {
			to = made[rng.Intn(len(made))]
		}
		_, err := s.Move(ctx, testrig.Admin, o.ID, to.ID)
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatal(err)
		}
	}
	kind := "党总支"
	if _, err := s.Update(ctx, testrig.Admin, made[0].ID, org.Patch{Kind: &kind}); err != nil {
		t.Fatal(err)
	}
	dissolved := 0
	for _, o := range made {
		if _, err := s.Dissolve(ctx, testrig.Admin, o.ID, "", "测试"); err == nil {
			dissolved++
		} else if !errs.Is(err, errs.Conflict) {
			t.Fatal(err)
		}
	}
	if dissolved == 0 {
		t.Fatal("nothing dissolved")
	}
	assertAggregates(t, s)
}

func TestBadMovesAndDissolves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	xn := byRegion(t, s, "450102")
	ms := byRegion(t, s, "450102001")
	_, err := s.Move(ctx, testrig.Admin, xn.ID, ms.ID)
	if want := "不能把“兴宁区委”移到它自己或它的下级组织“民生街道党工委”之下"; err == nil || errs.As(err).ZH != want {
		t.Fatalf("move under descendant: %v", err)
	}
	_, err = s.Dissolve(ctx, testrig.Admin, ms.ID, "", "")
	if want := "“民生街道党工委”还有 13 个未撤销的下级党组织，请先撤销或移走它们"; err == nil || errs.As(err).ZH != want {
		t.Fatalf("dissolve with children: %v", err)
	}
	after, _ := s.Get(ctx, testrig.Admin, ms.ID)
	if after.Status != "active" || *after.ParentID != xn.ID {
		t.Fatalf("state changed: %+v", after)
	}
}

func TestScopeOfMinshengAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, res := newNanning(t)
	ms := byRegion(t, s, "450102001")
	actor := testPerms.Bind(access.Actor{UserID: 99, Username: "ms", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: ms.ID, OrgPath: ms.Path}}})
	os, total, err := s.List(ctx, actor, org.ListQuery{Limit: 100})
	if err != nil || total != 14 || len(os) != 14 {
		t.Fatalf("民生街道 admin sees %d (%d rows): %v", total, len(os), err)
	}
	if _, err := s.Get(ctx, actor, res.RootID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("root visible outside scope: %v", err)
	}
	name := "新名称社区党支部"
	if _, err := s.Update(ctx, actor, os[1].ID, org.Patch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, actor, res.RootID, org.Patch{Name: &name}); !errs.Is(err, errs.NotFound) {
		t.Fatalf("update outside scope: %v", err)
	}
	recs, n, err := s.Audit().List(ctx, actor, audit.Query{})
	if err != nil || n != 1 || recs[0].Action != "org.update" || !strings.Contains(string(recs[0].Before), os[1].Name) || !strings.Contains(string(recs[0].After), name) {
		t.Fatalf("audit seen by scoped admin: %d %+v %v", n, recs, err)
	}
}

// TestInitVariousCodes covers the shapes of the dataset: a municipality whose
// districts hang under the province, a city without counties, a county
// without townships, a single township.
func TestInitVariousCodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	set, err := regions.Get()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"11", "4419", "350527", "450102101", "659002"} {
		divs, err := set.Subtree(code)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		d := testrig.NewTestDB(t)
		s := org.NewService(d, regions)
		res, err := s.InitRegion(ctx, testrig.Admin, code)
		if err != nil || res.Created != len(divs) {
			t.Fatalf("%s: created %d of %d: %v", code, res.Created, len(divs), err)
		}
		again, err := s.InitRegion(ctx, testrig.Admin, code)
		if err != nil || again.Created != 0 || again.Renamed != 0 {
			t.Fatalf("%s re-run: %+v %v", code, again, err)
		}
		_, c, _ := s.Stats(ctx, testrig.Admin, res.RootID)
		if c.Total != len(divs) {
			t.Errorf("%s: stats total %d, want %d", code, c.Total, len(divs))
		}
	}
}

// TestConcurrentChangesKeepAggregates creates and moves organizations from
// many goroutines at once against the real database; the aggregates must
// still equal a recount.
func TestConcurrentChangesKeepAggregates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	if _, err := s.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	towns, _, _ := s.List(ctx, testrig.Admin, org.ListQuery{Level: "township", Limit: 100})
	var wg sync.WaitGroup
	errc := make(chan error, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var mine []org.Org
			for i := 0; i < 6; i++ {
				o, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: towns[(g+i)%len(towns)].ID, Name: "并发党支部", Kind: "branch"})
				if err != nil {
					errc <- err
					return
				}
				mine = append(mine, o)
			}
			for i, o := range mine {
				if _, err := s.Move(ctx, testrig.Admin, o.ID, towns[(g*3+i)%len(towns)].ID); err != nil {
					errc <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	root := byRegion(t, s, "450102")
	_, c, _ := s.Stats(ctx, testrig.Admin, root.ID)
	if c.Total != 87+48 || c.ByLevel["unit"] != 48 {
		t.Fatalf("total %d units %d, want 135 and 48", c.Total, c.ByLevel["unit"])
	}
	assertAggregates(t, s)
}

// TestDissolvedDoesNotMove: a dissolved organization keeps the place where
// it ended.
func TestDissolvedDoesNotMove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	ms, st := byRegion(t, s, "450102001"), byRegion(t, s, "450102101")
	b, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道某公司党支部", Kind: "branch"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Dissolve(ctx, testrig.Admin, b.ID, "2026-01-05", ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.Move(ctx, testrig.Admin, b.ID, st.ID)
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "“民生街道某公司党支部”已于 2026-01-05 撤销，不能移动" {
		t.Fatalf("move of a dissolved organization: %v", err)
	}
	got, _ := s.Get(ctx, testrig.Admin, b.ID)
	if got.ParentID == nil || *got.ParentID != ms.ID {
		t.Errorf("parent %v, want %d", got.ParentID, ms.ID)
	}
}

// TestConcurrentEditsDetected: two people load the same organization and
// save in turn; the second save is refused and the first one's values stay.
// A move or a dissolution also makes an open form stale.
func TestConcurrentEditsDetected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newNanning(t)
	ms, st := byRegion(t, s, "450102001"), byRegion(t, s, "450102101")
	b, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: ms.ID, Name: "民生街道某公司党支部", Kind: "branch"})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.Get(ctx, testrig.Admin, b.ID)
	second, _ := s.Get(ctx, testrig.Admin, b.ID)
	str := func(v string) *string { return &v }
	saved, err := s.Update(ctx, testrig.Admin, b.ID, org.Patch{Name: str("民生街道甲公司党支部"), Version: &first.Version})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != first.Version+1 {
		t.Errorf("version %d after a save, want %d", saved.Version, first.Version+1)
	}
	_, err = s.Update(ctx, testrig.Admin, b.ID, org.Patch{Name: str("民生街道乙公司党支部"), Note: str("第二人"), Version: &second.Version})
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" || e.EN != "this record was changed before your save (by someone else, or by you in another window): reload it and try again" {
		t.Fatalf("second save: %v", err)
	}
	got, _ := s.Get(ctx, testrig.Admin, b.ID)
	if got.Name != "民生街道甲公司党支部" || got.Note != "" || got.Version != saved.Version {
		t.Errorf("after the refused save: %q %q version %d", got.Name, got.Note, got.Version)
	}
	// Without a version (an older API client) the save goes through.
	if _, err := s.Update(ctx, testrig.Admin, b.ID, org.Patch{Note: str("无版本")}); err != nil {
		t.Fatal(err)
	}
	// Moving and dissolving change the version too.
	loaded, _ := s.Get(ctx, testrig.Admin, b.ID)
	if _, err := s.Move(ctx, testrig.Admin, b.ID, st.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(ctx, testrig.Admin, b.ID, org.Patch{Note: str("移动前加载"), Version: &loaded.Version})
	if errs.KindOf(err) != errs.Conflict {
		t.Errorf("save from before a move: %v", err)
	}
	loaded, _ = s.Get(ctx, testrig.Admin, b.ID)
	if _, err := s.Dissolve(ctx, testrig.Admin, b.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(ctx, testrig.Admin, b.ID, org.Patch{Note: str("撤销前加载"), Version: &loaded.Version})
	if errs.KindOf(err) != errs.Conflict {
		t.Errorf("save from before a dissolution: %v", err)
	}
}

// TestProvince: an organization's rows are kept under its own region's
// province, else its nearest ancestor's; a branch of an enterprise (no
// region of its own) two levels below a township is under 45 (广西).
func TestProvince(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	s := org.NewService(d, regions)
	if _, err := s.InitRegion(ctx, testrig.Admin, "450102"); err != nil {
		t.Fatal(err)
	}
	town := byRegion(t, s, "450102001")
	branch, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: town.ID, Name: "某公司党委", Kind: "党委", Category: "非公企业"})
	if err != nil {
		t.Fatal(err)
	}
	cell, err := s.Create(ctx, testrig.Admin, org.Input{ParentID: branch.ID, Name: "某公司第一党支部", Kind: "党支部", Category: "非公企业"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   int64
		want string
	}{{town.ID, "45"}, {branch.ID, "45"}, {cell.ID, "45"}, {cell.ID + 1000, org.NoProvince}} {
		got, err := org.Province(ctx, d, c.id)
		if err != nil || got != c.want {
			t.Errorf("province of org %d: %q %v, want %q", c.id, got, err, c.want)
		}
	}
	for code, want := range map[string]string{"450102001": "45", "11": "11", "": org.NoProvince, "4": org.NoProvince} {
		if got := org.ProvinceOf(code); got != want {
			t.Errorf("ProvinceOf(%q) = %q, want %q", code, got, want)
		}
	}
}
