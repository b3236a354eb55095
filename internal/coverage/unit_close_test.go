package coverage_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/coverage"
	"jiceng/internal/errs"
	"jiceng/internal/org"
	"jiceng/internal/testrig"
)

// closeFx is the 兴宁区 tree with five units, counted by hand:
//
//	unit  leading org        members  coverage
//	1     兴宁社区 (c3)       5        own
//	2     兴宁社区 (c3)       0        instructor
//	3     兴宁社区 (c3)       1        none
//	4     民生街道 (ms)       0        none
//	5     三塘镇 (st)         0        none
//
// 兴宁社区 3 units: 1 / 3 organizational, 2 / 3 work; 民生街道 4: 1 / 4, 2 / 4;
// 兴宁区委 5: 1 / 5, 2 / 5.
type closeFx struct {
	*fx
	c3    org.Org
	own   org.Org
	units []coverage.Unit
}

func newCloseFx(t *testing.T) *closeFx {
	t.Helper()
	ctx := context.Background()
	base := newFx(t)
	l, _, _ := base.orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: "450102001003"})
	f := &closeFx{fx: base, c3: l[0]}
	orgs, cov := f.orgs, f.cov
	var err error
	if f.own, err = orgs.Create(ctx, f.admin, org.Input{ParentID: f.c3.ID, Name: "南宁测试企业01有限公司党支部", Kind: "branch", Category: "private"}); err != nil {
		t.Fatal(err)
	}
	f.units = []coverage.Unit{
		f.unit(t, 1, f.c3, "450102001003", 60, 5),
		f.unit(t, 2, f.c3, "450102001003", 20, 0),
		f.unit(t, 3, f.c3, "450102001003", 10, 1),
		f.unit(t, 4, f.ms, "450102001006", 8, 0),
		f.unit(t, 5, f.st, "450102101001", 9, 0),
	}
	if _, err := cov.SetCoverage(ctx, f.admin, f.units[0].ID, coverage.CoverageInput{Coverage: "own", OrgID: f.own.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := cov.SetCoverage(ctx, f.admin, f.units[1].ID, coverage.CoverageInput{Coverage: "instructor", Instructor: "李明"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// picture is the totals and rates of 兴宁社区, 民生街道, 三塘镇 and 兴宁区委.
func (f *closeFx) picture(t *testing.T) string {
	t.Helper()
	out := ""
	for _, o := range []org.Org{f.c3, f.ms, f.st, f.xn} {
		r, err := f.cov.Rates(context.Background(), f.admin, o.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		s := coverage.Summarize(r.Total)
		out += fmt.Sprintf("%s %d units own %d instructor %d none %d org %.1f%% work %.1f%%; ", o.Label(), s.Units, s.Own, s.Instructor, s.None, s.OrgRate, s.WorkRate)
	}
	return out
}

// state is everything a refused change must leave as it was.
func (f *closeFx) state(t *testing.T, id int64) string {
	t.Helper()
	ctx := context.Background()
	u, err := f.cov.Get(ctx, f.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.cov.History(ctx, f.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := audit.NewService(f.d).List(ctx, f.admin, audit.Query{TargetType: "unit", TargetID: strconv.FormatInt(id, 10), Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s %s %s history %d audit %d | %s", u.Status, u.Coverage, u.UpdatedAt, len(h), n, f.picture(t))
}

func TestCloseAndReopenMoveTheRates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCloseFx(t)
	before := "兴宁社区党支部 3 units own 1 instructor 1 none 1 org 33.3% work 66.7%; " +
		"民生街道党工委 4 units own 1 instructor 1 none 2 org 25.0% work 50.0%; " +
		"三塘镇党委 1 units own 0 instructor 0 none 1 org 0.0% work 0.0%; " +
		"兴宁区委 5 units own 1 instructor 1 none 3 org 20.0% work 40.0%; "
	if got := f.picture(t); got != before {
		t.Fatalf("before:\n got %s\nwant %s", got, before)
	}
	u := f.units[0]
	closed, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "吊销", EffectiveOn: "2026-03-01", Note: " 营业执照被吊销 "})
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != "closed" || closed.Coverage != "own" || closed.CoverageOrgID == nil || *closed.CoverageOrgID != f.own.ID {
		t.Fatalf("closed unit keeps its coverage: %+v", closed)
	}
	after := "兴宁社区党支部 2 units own 0 instructor 1 none 1 org 0.0% work 50.0%; " +
		"民生街道党工委 3 units own 0 instructor 1 none 2 org 0.0% work 33.3%; " +
		"三塘镇党委 1 units own 0 instructor 0 none 1 org 0.0% work 0.0%; " +
		"兴宁区委 4 units own 0 instructor 1 none 3 org 0.0% work 25.0%; "
	if got := f.picture(t); got != after {
		t.Fatalf("after closing:\n got %s\nwant %s", got, after)
	}
	// Listed only among the closed units; its history and the audit say why.
	if l, n, err := f.cov.List(ctx, f.admin, coverage.ListQuery{Status: "closed"}); err != nil || n != 1 || l[0].ID != u.ID {
		t.Errorf("closed list: %d %v", n, err)
	}
	if _, n, _ := f.cov.List(ctx, f.admin, coverage.ListQuery{}); n != 4 {
		t.Errorf("active list has %d units", n)
	}
	h, _ := f.cov.History(ctx, f.admin, u.ID)
	if len(h) != 3 || h[2].Note != "注销（吊销），2026-03-01 起：营业执照被吊销" || h[2].Coverage != "own" || h[2].Actor != "test" {
		t.Errorf("history: %+v", h)
	}
	recs, _, err := audit.NewService(f.d).List(ctx, f.admin, audit.Query{Action: "unit.close", TargetID: strconv.FormatInt(u.ID, 10)})
	if err != nil || len(recs) != 1 || recs[0].Summary != "两新组织 南宁测试企业01有限公司（"+u.CreditCode+"）吊销，2026-03-01 起" ||
		string(recs[0].After) != `{"effective_on":"2026-03-01","note":"营业执照被吊销","reason":"revoked","status":"closed"}` {
		t.Errorf("close audit: %+v %v", recs, err)
	}
	// A closed unit's coverage cannot change, and its organization may be
	// dissolved no longer being held by it.
	if _, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: "none"}); !errs.Is(err, errs.Conflict) ||
		errs.As(err).ZH != "“南宁测试企业01有限公司”已注销，不能修改覆盖方式；如单位仍在经营，请先恢复" {
		t.Errorf("coverage of a closed unit: %v", err)
	}

	reopened, err := f.cov.Reopen(ctx, f.admin, u.ID, coverage.ReopenInput{Note: "吊销决定已撤销"})
	if err != nil {
		t.Fatal(err)
	}
	if reopened.Status != "active" || reopened.Coverage != "own" {
		t.Fatalf("reopened: %+v", reopened)
	}
	if got := f.picture(t); got != before {
		t.Fatalf("after reopening:\n got %s\nwant %s", got, before)
	}
	h, _ = f.cov.History(ctx, f.admin, u.ID)
	if len(h) != 4 || h[3].Note != "恢复：吊销决定已撤销" || h[3].Coverage != "own" {
		t.Errorf("history after reopening: %+v", h)
	}
	if recs, _, err := audit.NewService(f.d).List(ctx, f.admin, audit.Query{Action: "unit.reopen", TargetID: strconv.FormatInt(u.ID, 10)}); err != nil || len(recs) != 1 ||
		recs[0].Summary != "恢复两新组织 南宁测试企业01有限公司（"+u.CreditCode+"）" {
		t.Errorf("reopen audit: %+v %v", recs, err)
	}

	// Closed once more, its own organization dissolved meanwhile: it comes
	// back uncovered, and the rates count it so.
	if _, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "deregistered", EffectiveOn: "2026-04-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.orgs.Dissolve(ctx, f.admin, f.own.ID, "2026-04-02", "单位注销"); err != nil {
		t.Fatalf("dissolve the closed unit's organization: %v", err)
	}
	if reopened, err = f.cov.Reopen(ctx, f.admin, u.ID, coverage.ReopenInput{Note: "迁回"}); err != nil || reopened.Coverage != "none" || reopened.CoverageOrgID != nil {
		t.Fatalf("reopen without its organization: %+v %v", reopened, err)
	}
	if got := f.picture(t); got != "兴宁社区党支部 3 units own 0 instructor 1 none 2 org 0.0% work 33.3%; "+
		"民生街道党工委 4 units own 0 instructor 1 none 3 org 0.0% work 25.0%; "+
		"三塘镇党委 1 units own 0 instructor 0 none 1 org 0.0% work 0.0%; "+
		"兴宁区委 5 units own 0 instructor 1 none 4 org 0.0% work 20.0%; " {
		t.Errorf("after reopening uncovered: %s", got)
	}
	h, _ = f.cov.History(ctx, f.admin, u.ID)
	if last := h[len(h)-1]; last.Note != "恢复：迁回（原党组织“南宁测试企业01有限公司党支部”已撤销，覆盖方式改为未覆盖）" || last.Coverage != "none" {
		t.Errorf("history after reopening uncovered: %+v", last)
	}
}

func TestCloseAndReopenRefuseBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCloseFx(t)
	u := f.units[1]
	// 00:30 on 1 December in Shanghai, still 30 November in UTC: today is
	// the date users see.
	f.cov.WithClock(func() time.Time { return time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC) })
	tomorrow, today := "2026-12-02", "2026-12-01"
	st := testPerms.Bind(access.Actor{UserID: 8, Username: "st", Grants: []access.Grant{{Role: access.OrgAdmin, OrgID: f.st.ID, OrgPath: f.st.Path}}})
	id := strconv.FormatInt(u.ID, 10)
	cases := []refusal{
		{"future date", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "注销", EffectiveOn: tomorrow})
			return err
		}, errs.Invalid, "effective_on", "生效日期 " + tomorrow + " 晚于今天（" + today + "），请填写已经生效的日期"},
		{"no date", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "注销"})
			return err
		}, errs.Invalid, "effective_on", "请填写生效日期，如 " + today},
		{"bad date", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "注销", EffectiveOn: "2026-02-30"})
			return err
		}, errs.Invalid, "effective_on", "生效日期“2026-02-30”格式不正确，应为 年-月-日，如 " + today},
		{"unknown reason", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "破产", EffectiveOn: "2026-03-01"})
			return err
		}, errs.Invalid, "reason", "请选择注销原因：注销、吊销、迁出本地 或 其他"},
		{"other without note", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "其他", EffectiveOn: "2026-03-01", Note: "  "})
			return err
		}, errs.Invalid, "note", "注销原因为“其他”时，请在说明中写明具体原因"},
		{"reopen an active unit", func() error {
			_, err := f.cov.Reopen(ctx, f.admin, u.ID, coverage.ReopenInput{Note: "x"})
			return err
		}, errs.Conflict, "", "“南宁测试企业02有限公司”未注销，无需恢复"},
		{"outside the scope", func() error {
			_, err := f.cov.Close(ctx, st, u.ID, coverage.CloseInput{Reason: "注销", EffectiveOn: "2026-03-01"})
			return err
		}, errs.NotFound, "", "单位 " + id + " 不存在或不在您的管理范围内"},
	}
	f.refused(t, u.ID, cases)
	if _, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "moved", EffectiveOn: today}); err != nil {
		t.Fatalf("close today: %v", err)
	}
	more := []refusal{
		{"close a closed unit", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: "注销", EffectiveOn: "2026-03-01"})
			return err
		}, errs.Conflict, "", "“南宁测试企业02有限公司”已注销，不能重复注销"},
		{"reopen without a note", func() error {
			_, err := f.cov.Reopen(ctx, f.admin, u.ID, coverage.ReopenInput{Note: " "})
			return err
		}, errs.Invalid, "note", "请填写恢复的原因，如“注销有误，经核实仍在经营”"},
		{"reopen outside the scope", func() error {
			_, err := f.cov.Reopen(ctx, st, u.ID, coverage.ReopenInput{Note: "x"})
			return err
		}, errs.NotFound, "", "单位 " + id + " 不存在或不在您的管理范围内"},
		{"coverage of a closed unit", func() error {
			_, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: "none"})
			return err
		}, errs.Conflict, "", "“南宁测试企业02有限公司”已注销，不能修改覆盖方式；如单位仍在经营，请先恢复"},
	}
	f.refused(t, u.ID, more)
}

// refusal is a bad input: what it does, and the error it must get.
type refusal struct {
	name  string
	do    func() error
	kind  errs.Kind
	field string
	zh    string
}

// refused runs each case and checks its exact error and that the unit's
// status, history, audit and rates are as before.
func (f *closeFx) refused(t *testing.T, unitID int64, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		before := f.state(t, unitID)
		err := c.do()
		if e := errs.As(err); err == nil || e.Kind != c.kind || e.Field != c.field || e.ZH != c.zh {
			t.Errorf("%s: %v (%s, %q)", c.name, err, errs.KindOf(err), errs.As(err).Field)
		}
		if after := f.state(t, unitID); after != before {
			t.Errorf("%s changed something:\n%s\n%s", c.name, before, after)
		}
	}
}

func TestUnitTextsInEnglish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	u := f.unit(t, 1, f.ms, "450102001003", 20, 0)
	if u.Advice != "暂无正式党员，应选派党建指导员开展工作，做好发现和培养入党积极分子工作" {
		t.Errorf("advice: %q", u.Advice)
	}
	if en := u.In("en"); en.Advice != "No full members yet: send a Party-building instructor and look for activists to recruit" {
		t.Errorf("English advice: %q", en.Advice)
	}
	in := coverage.Input{CreditCode: code("91", "110105", 2), Name: "北京登记企业", Employees: 5, RegionCode: "450102001003", AffiliationOrgID: f.ms.ID}
	w, err := f.cov.Create(ctx, f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if en := w.In("en"); len(en.Warnings) != 1 || en.Warnings[0] != "the registrar's division 110105 in the credit code does not match the unit's division 450102001003: check them" {
		t.Errorf("English warning: %q", en.Warnings)
	}
	if zh := w.In("en").In("zh-CN"); zh.Warnings[0] != "统一社会信用代码中的登记机关区划 110105 与单位所在区划 450102001003 不一致，请核对" {
		t.Errorf("back to Chinese: %q", zh.Warnings)
	}
}

// TestConcurrentUnitEditsDetected: two people load the same unit and save
// in turn; the second save is refused and the first one's values stay.
// Closing, reopening and changing the coverage also make a form stale.
func TestConcurrentUnitEditsDetected(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFx(t)
	u := f.unit(t, 1, f.ms, "450102001003", 10, 0)
	first, _ := f.cov.Get(ctx, f.admin, u.ID)
	second, _ := f.cov.Get(ctx, f.admin, u.ID)
	n20, n30 := 20, 30
	saved, err := f.cov.Update(ctx, f.admin, u.ID, coverage.Patch{Employees: &n20, Version: &first.Version})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.cov.Update(ctx, f.admin, u.ID, coverage.Patch{Employees: &n30, Version: &second.Version})
	if e := errs.As(err); e == nil || e.Kind != errs.Conflict || e.ZH != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" {
		t.Fatalf("second save: %v", err)
	}
	got, _ := f.cov.Get(ctx, f.admin, u.ID)
	if got.Employees != 20 || got.Version != saved.Version || saved.Version != first.Version+1 {
		t.Errorf("after the refused save: %d employees, version %d (saved %d, loaded %d)", got.Employees, got.Version, saved.Version, first.Version)
	}
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"coverage", func() error {
			_, err := f.cov.SetCoverage(ctx, f.admin, u.ID, coverage.CoverageInput{Coverage: coverage.Instructor, Instructor: "张指导"})
			return err
		}},
		{"close", func() error {
			_, err := f.cov.Close(ctx, f.admin, u.ID, coverage.CloseInput{Reason: coverage.CloseDeregistered, EffectiveOn: "2026-01-05"})
			return err
		}},
		{"reopen", func() error {
			_, err := f.cov.Reopen(ctx, f.admin, u.ID, coverage.ReopenInput{Note: "注销有误"})
			return err
		}},
	} {
		loaded, _ := f.cov.Get(ctx, f.admin, u.ID)
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		_, err := f.cov.Update(ctx, f.admin, u.ID, coverage.Patch{Employees: &n30, Version: &loaded.Version})
		if errs.KindOf(err) != errs.Conflict {
			t.Errorf("save from before %s: %v", step.name, err)
		}
	}
}
