package programs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

var (
	// siteTree is the territorial tree of Nanning, built once per run.
	siteTree  = testrig.Tree(regions, "4501")
	sitePerms = access.MustCatalogue(programs.Permissions())
)

// siteFx is Nanning with the programmes on a clock the test sets, the
// organizations the tests of the sites name and the accounts that act:
//
//	南宁市委 (city)                      city: the city's organization department
//	├ 兴宁区委 (county)                  xingning: 兴宁区's
//	│ ├ 民生街道党工委                    street: the street's
//	│ │ ├ 兴宁社区, 北宁社区 …            secretary of 兴宁社区
//	│ └ 三塘镇党委 → 四塘社区 …
//	├ 青秀区委 (county)                  qingxiu: 青秀区's
//	└ 市直机关工委 (a city-level 党工委, made here)
//	  ├ 市财政局机关党委
//	  └ 市农业农村局机关党委
type siteFx struct {
	d     *db.DB
	orgs  *org.Service
	pg    *programs.Service
	clock *clock

	city, xingning, qingxiu      org.Org
	minsheng, santang            org.Org
	xn, beining, third, fourth   org.Org // 兴宁, 北宁, 高峰, 人民中社区 of 民生街道
	fifth                        org.Org // 人民东社区
	sitang, qxVillage            org.Org // 三塘镇's first; one of 青秀区
	organs, finance, agriculture org.Org

	cityAdmin, xnAdmin, qxAdmin   access.Actor
	streetAdmin, secretary, audit access.Actor
}

func newSiteFx(t *testing.T) *siteFx {
	t.Helper()
	ctx := context.Background()
	d, res := siteTree.Open(t)
	c := &clock{t: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)}
	d.SetClock(c.Now)
	orgs := org.NewService(d, regions).WithClock(c.Now)
	f := &siteFx{d: d, orgs: orgs, clock: c, pg: programs.NewService(d, orgs, nil, nil, nil).WithClock(c.Now)}
	get := func(code string) org.Org {
		t.Helper()
		l, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("organization of %s: %v %v", code, l, err)
		}
		return l[0]
	}
	var err error
	if f.city, err = orgs.Get(ctx, testrig.Admin, res.RootID); err != nil {
		t.Fatal(err)
	}
	f.xingning, f.qingxiu = get("450102"), get("450103")
	f.minsheng, f.santang = get("450102001"), get("450102101")
	f.xn, f.beining, f.third, f.fourth = get("450102001003"), get("450102001004"), get("450102001006"), get("450102001007")
	f.sitang, f.fifth = get("450102101001"), get("450102001010")
	kids, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{Under: get("450103001").ID, ChildrenOnly: true, Limit: 1, Sort: "code"})
	if err != nil || len(kids) != 1 {
		t.Fatalf("a community of 青秀区: %v", err)
	}
	f.qxVillage = kids[0]
	mk := func(parent org.Org, name, short, kind string) org.Org {
		t.Helper()
		o, err := orgs.Create(ctx, testrig.Admin, org.Input{ParentID: parent.ID, Name: name, ShortName: short, Kind: kind, Category: "organ"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return o
	}
	f.organs = mk(f.city, "中共南宁市直属机关工作委员会", "市直机关工委", "work_committee")
	f.finance = mk(f.organs, "中共南宁市财政局机关委员会", "市财政局机关党委", "committee")
	f.agriculture = mk(f.organs, "中共南宁市农业农村局机关委员会", "市农业农村局机关党委", "committee")
	bind := func(id int64, name string, role access.Role, o org.Org) access.Actor {
		return sitePerms.Bind(access.Actor{UserID: id, Username: name, Grants: []access.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Label()}}})
	}
	f.cityAdmin = bind(1, "city", access.OrgAdmin, f.city)
	f.xnAdmin = bind(2, "xingning", access.OrgAdmin, f.xingning)
	f.qxAdmin = bind(3, "qingxiu", access.OrgAdmin, f.qingxiu)
	f.streetAdmin = bind(4, "minsheng", access.OrgAdmin, f.minsheng)
	f.secretary = bind(5, "sec", access.Secretary, f.xn)
	f.audit = bind(6, "auditor", access.Auditor, f.xingning)
	return f
}

// at sets the clock to noon in Beijing of the date.
func (f *siteFx) at(date string) {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		panic(err)
	}
	f.clock.t = t.Add(4 * time.Hour)
}

// state is what the tables of the sites hold, to show that a refused step
// changed nothing.
func (f *siteFx) state(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, table := range []string{"sites", "site_steps", "site_files", "site_led", "site_quotas"} {
		b.WriteString(testrig.DumpTable(t, ctx, f.d, table))
	}
	var n int
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries", n)
	return b.String()
}

const siteMaterials = "以“党建+网格”为抓手建成党群服务中心，计划一年内打造“15分钟服务圈”并形成可复制经验。"

// nominate nominates o for year as actor, failing the test on an error.
func (f *siteFx) nominate(t *testing.T, actor access.Actor, o org.Org, year int, files ...cases.NamedFile) programs.Site {
	t.Helper()
	x, err := f.pg.Nominate(context.Background(), actor, programs.SiteInput{OrgID: o.ID, Year: year, Materials: siteMaterials, Files: files})
	if err != nil {
		t.Fatalf("nominate %s: %v", o.Label(), err)
	}
	return x
}

// designated takes o from nomination to designation in year, on the days
// of that year the clock is set to.
func (f *siteFx) designated(t *testing.T, o org.Org, year int) programs.Site {
	t.Helper()
	ctx := context.Background()
	f.at(fmt.Sprintf("%d-03-01", year))
	x := f.nominate(t, f.xnAdmin, o, year)
	if o.Path[:len(f.organs.Path)] == f.organs.Path {
		x = siteMust(t)(f.pg.Cultivate(ctx, f.cityAdmin, x.ID, programs.SiteNoteInput{OnDate: fmt.Sprintf("%d-03-01", year), Text: "召开创建推进会，明确任务清单。"}))
	} else {
		x = siteMust(t)(f.pg.Cultivate(ctx, f.xnAdmin, x.ID, programs.SiteNoteInput{OnDate: fmt.Sprintf("%d-03-01", year), Text: "召开创建推进会，明确任务清单。"}))
	}
	f.at(fmt.Sprintf("%d-11-20", year))
	x = siteMust(t)(f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: fmt.Sprintf("%d-11-20", year),
		Files: []cases.NamedFile{{Name: "验收报告.png", Data: photo(t)}}}))
	return siteMust(t)(f.pg.Designate(ctx, f.cityAdmin, x.ID, programs.SiteDesignateInput{Year: year, OnDate: fmt.Sprintf("%d-11-20", year)}))
}

func siteMust(t *testing.T) func(programs.Site, error) programs.Site {
	return func(x programs.Site, err error) programs.Site {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

// TestSiteLifeCycle runs a site of 兴宁区 through its life: nominated with
// a photo by the county, cultivated, refused to the county at acceptance
// (the city accepts), refused without evidence, accepted, designated,
// leading communities, re-checked and kept, then revoked at a re-check;
// every step on its timeline and in the audit log.
func TestSiteLifeCycle(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	x := f.nominate(t, f.xnAdmin, f.xn, 2026, cases.NamedFile{Name: "创建方案.png", Data: photo(t)})
	if x.State != "nominated" || x.NominatorID != f.xingning.ID || x.NominatorName != f.xingning.Label() || x.AcceptingOrg != f.city.Label() ||
		len(x.Steps) != 1 || x.Steps[0].Step != "nominate" || x.Steps[0].OnDate != "2026-03-10" || len(x.Steps[0].Files) != 1 {
		t.Fatalf("nominated: %+v", x)
	}
	x = siteMust(t)(f.pg.Cultivate(ctx, f.xnAdmin, x.ID, programs.SiteNoteInput{OnDate: "2026-03-10", Text: "召开创建推进会，明确任务清单和责任分工。"}))
	if x.State != "cultivating" || x.Notes != 1 || x.LastNote != "2026-03-10" {
		t.Fatalf("cultivating: %+v", x)
	}

	f.at("2026-11-20")
	before := f.state(t)
	_, err := f.pg.AcceptSite(ctx, f.xnAdmin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: "2026-11-20",
		Files: []cases.NamedFile{{Name: "验收报告.png", Data: photo(t)}}})
	refused(t, err, "您没有办理此事项的权限：应由"+f.city.Label()+"办理")
	_, err = f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: "2026-11-20"})
	refused(t, err, "attachments: 验收通过须上传至少一份验收材料（验收报告、现场照片或会议记录）")
	_, err = f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "", OnDate: "2026-11-20",
		Files: []cases.NamedFile{{Name: "验收报告.png", Data: photo(t)}}})
	refused(t, err, "conclusion: 请填写验收结论")
	if after := f.state(t); after != before {
		t.Fatalf("refused acceptances changed the tables:\n%s\n%s", before, after)
	}
	x = siteMust(t)(f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: "2026-11-20",
		Files: []cases.NamedFile{{Name: "验收报告.png", Data: photo(t)}, {Name: "现场.png", Data: photo(t)}}}))
	if x.State != "accepted" || x.AcceptedOn != "2026-11-20" || len(x.Steps) != 3 || len(x.Steps[2].Files) != 2 {
		t.Fatalf("accepted: %+v", x)
	}
	f.at("2027-01-15")
	x = siteMust(t)(f.pg.Designate(ctx, f.cityAdmin, x.ID, programs.SiteDesignateInput{Year: 2026, OnDate: "2027-01-15", Note: "南组通〔2027〕3号"}))
	if x.State != "designated" || x.DesignatedYear != 2026 || x.DesignatedOn != "2027-01-15" || !x.RecheckDue {
		t.Fatalf("designated: %+v", x)
	}
	x = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, x.ID, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2026, Note: "结对共建"}))
	before = f.state(t)
	_, err = f.pg.AddLed(ctx, f.streetAdmin, x.ID, programs.SiteLedInput{OrgID: f.sitang.ID, Year: 2027})
	refused(t, err, "您没有办理此事项的权限：应由"+f.xingning.Label()+"办理")
	_, err = f.pg.Cultivate(ctx, f.secretary, x.ID, programs.SiteNoteInput{OnDate: "2027-01-15", Text: "召开创建推进会，明确任务清单。"})
	refused(t, err, "您没有办理此事项的权限：应由"+f.xingning.Label()+"办理")
	_, err = f.pg.Recheck(ctx, f.xnAdmin, x.ID, programs.SiteRecheckInput{Year: 2027, Result: "kept", Reason: "各项指标保持良好", OnDate: "2027-01-15"})
	refused(t, err, "您没有办理此事项的权限：应由"+f.city.Label()+"办理")
	_, err = f.pg.Site(ctx, f.qxAdmin, x.ID)
	refused(t, err, fmt.Sprintf("示范点 %d 不存在或不在您的管理范围内", x.ID))
	if after := f.state(t); after != before {
		t.Fatalf("refused steps changed the tables:\n%s\n%s", before, after)
	}
	x = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, x.ID, programs.SiteLedInput{OrgID: f.sitang.ID, Year: 2027}))
	if x.Led != 2 || len(x.LedOrgs) != 2 || x.LedOrgs[0].OrgID != f.beining.ID || x.LedOrgs[0].Year != 2026 || x.LedOrgs[1].OrgID != f.sitang.ID || x.LedOrgs[1].Year != 2027 {
		t.Fatalf("led: %+v", x.LedOrgs)
	}
	// The secretary of the site and the county's auditor read it.
	for _, a := range []access.Actor{f.secretary, f.audit, f.streetAdmin} {
		if got, err := f.pg.Site(ctx, a, x.ID); err != nil || got.Led != 2 {
			t.Errorf("%s reads the site: %v %+v", a.Username, err, got)
		}
	}

	// The yearly re-check: 2027 kept, once; 2028 revoked.
	x = siteMust(t)(f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2027, Result: "kept", Reason: "组织生活规范，带动作用明显", OnDate: "2027-01-15"}))
	if x.State != "designated" || x.LastRecheck != 2027 || x.RecheckDue {
		t.Fatalf("kept: %+v", x)
	}
	before = f.state(t)
	_, err = f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2027, Result: "revoked", Reason: "带动作用减弱", OnDate: "2027-01-15"})
	refused(t, err, "该示范点 2027 年度已复核（复核通过，保留命名），每年复核一次")
	_, err = f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2028, Result: "kept", Reason: "带动作用减弱", OnDate: "2027-01-15"})
	refused(t, err, "year: 复核年度应为 2027 年（命名年度 2026 年之后，不晚于今年）")
	_, err = f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2027, Result: "maybe", Reason: "", OnDate: "2027-01-14"})
	refused(t, err, "on_date: 复核日期不能早于上一步的日期 2027-01-15; result: 请选择复核结果：保留命名或撤销命名; reason: 请填写复核意见")
	if after := f.state(t); after != before {
		t.Fatalf("refused re-checks changed the tables:\n%s\n%s", before, after)
	}
	f.at("2028-04-01")
	x = siteMust(t)(f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2028, Result: "revoked", Reason: "书记调整后组织生活不规范，带动作用明显减弱", OnDate: "2028-04-01"}))
	if x.State != "revoked" || x.RevokedOn != "2028-04-01" || x.RevokeReason != "书记调整后组织生活不规范，带动作用明显减弱" {
		t.Fatalf("revoked: %+v", x)
	}
	var steps []string
	for _, st := range x.Steps {
		steps = append(steps, st.Step+" "+st.OnDate+" "+st.Result)
	}
	if got := strings.Join(steps, "; "); got != "nominate 2026-03-10 ; cultivate 2026-03-10 ; accept 2026-11-20 ; designate 2027-01-15 ; recheck 2027-01-15 kept; recheck 2028-04-01 revoked" {
		t.Errorf("timeline: %s", got)
	}
	rows, err := f.d.Query(ctx, "SELECT action, summary FROM audit_log WHERE target_type = 'site' ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var log []string
	for rows.Next() {
		var a, s string
		if err := rows.Scan(&a, &s); err != nil {
			t.Fatal(err)
		}
		log = append(log, a+": "+s)
	}
	want := []string{
		"site.nominate: " + f.xingning.Label() + "推荐兴宁社区党支部为 2026 年示范点培育对象（第 1 个，名额 2–3 个）",
		"site.cultivate: " + f.xingning.Label() + "登记兴宁社区党支部示范点培育记录（2026-03-10）",
		"site.accept: " + f.city.Label() + "验收兴宁社区党支部示范点：通过（材料 2 个）",
		"site.designate: " + f.city.Label() + "命名兴宁社区党支部为 2026 年度党建示范点",
		"site.lead: 登记兴宁社区党支部示范点带动北宁社区党支部（2026 年起）",
		"site.lead: 登记兴宁社区党支部示范点带动四塘社区党支部（2027 年起）",
		"site.recheck: " + f.city.Label() + "复核兴宁社区党支部示范点（2027 年度）：复核通过，保留命名",
		"site.recheck: " + f.city.Label() + "复核兴宁社区党支部示范点（2028 年度）：复核未通过，撤销命名",
	}
	if strings.Join(log, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
}

// TestSiteWrongStates: each step refused in a state it is not taken in,
// with the state in the message, and nothing changed.
func TestSiteWrongStates(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	nominated := f.nominate(t, f.xnAdmin, f.xn, 2026)
	evidence := []cases.NamedFile{{Name: "验收报告.png", Data: photo(t)}}
	accept := programs.SiteAcceptInput{Decision: "pass", Conclusion: "阵地规范、制度落实，同意通过验收。", OnDate: "2026-03-10", Files: evidence}
	before := f.state(t)
	_, err := f.pg.AcceptSite(ctx, f.cityAdmin, nominated.ID, accept)
	refused(t, err, "该示范点当前状态为“已推荐，待培育”，尚无培育记录，不能验收：请先由"+f.xingning.Label()+"登记培育情况")
	_, err = f.pg.Designate(ctx, f.cityAdmin, nominated.ID, programs.SiteDesignateInput{Year: 2026, OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已推荐，待培育”，尚未验收通过，不能命名：请先验收")
	_, err = f.pg.Recheck(ctx, f.cityAdmin, nominated.ID, programs.SiteRecheckInput{Year: 2026, Result: "kept", Reason: "保持良好", OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已推荐，待培育”，只有已命名的示范点才能复核")
	_, err = f.pg.AddLed(ctx, f.xnAdmin, nominated.ID, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2026})
	refused(t, err, "该示范点当前状态为“已推荐，待培育”，只有已命名的示范点才能登记带动的党组织")
	if after := f.state(t); after != before {
		t.Fatalf("refused steps changed the tables:\n%s\n%s", before, after)
	}

	x := siteMust(t)(f.pg.Cultivate(ctx, f.xnAdmin, nominated.ID, programs.SiteNoteInput{OnDate: "2026-03-10", Text: "召开创建推进会，明确任务清单。"}))
	x = siteMust(t)(f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, accept))
	before = f.state(t)
	_, err = f.pg.Cultivate(ctx, f.xnAdmin, x.ID, programs.SiteNoteInput{OnDate: "2026-03-10", Text: "补充台账资料，完善制度。"})
	refused(t, err, "该示范点当前状态为“已验收，待命名”，不能再登记培育记录")
	_, err = f.pg.AcceptSite(ctx, f.cityAdmin, x.ID, accept)
	refused(t, err, "该示范点当前状态为“已验收，待命名”，不能验收")
	_, err = f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2026, Result: "kept", Reason: "保持良好", OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已验收，待命名”，只有已命名的示范点才能复核")
	if after := f.state(t); after != before {
		t.Fatalf("refused steps changed the tables:\n%s\n%s", before, after)
	}

	x = siteMust(t)(f.pg.Designate(ctx, f.cityAdmin, x.ID, programs.SiteDesignateInput{Year: 2026, OnDate: "2026-03-10"}))
	before = f.state(t)
	_, err = f.pg.Designate(ctx, f.cityAdmin, x.ID, programs.SiteDesignateInput{Year: 2026, OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已命名”，不能命名")
	_, err = f.pg.Recheck(ctx, f.cityAdmin, x.ID, programs.SiteRecheckInput{Year: 2026, Result: "kept", Reason: "保持良好", OnDate: "2026-03-10"})
	refused(t, err, "year: 该示范点命名为 2026 年度，2027 年起才能复核")
	if after := f.state(t); after != before {
		t.Fatalf("refused steps changed the tables:\n%s\n%s", before, after)
	}

	x = siteMust(t)(f.pg.RevokeSite(ctx, f.cityAdmin, x.ID, programs.SiteRevokeInput{Reason: "群众反映强烈，经核查属实", OnDate: "2026-03-10"}))
	if x.State != "revoked" {
		t.Fatalf("revoked: %+v", x)
	}
	before = f.state(t)
	_, err = f.pg.RevokeSite(ctx, f.cityAdmin, x.ID, programs.SiteRevokeInput{Reason: "群众反映强烈，经核查属实", OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已撤销”，不能再次撤销")
	_, err = f.pg.Cultivate(ctx, f.xnAdmin, x.ID, programs.SiteNoteInput{OnDate: "2026-03-10", Text: "补充台账资料，完善制度。"})
	refused(t, err, "该示范点当前状态为“已撤销”，不能再登记培育记录")
	_, err = f.pg.AddLed(ctx, f.xnAdmin, x.ID, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2026})
	refused(t, err, "该示范点当前状态为“已撤销”，只有已命名的示范点才能登记带动的党组织")
	// A refusal for the account comes before the state: the county may
	// not revoke, whatever the state.
	_, err = f.pg.RevokeSite(ctx, f.xnAdmin, nominated.ID, programs.SiteRevokeInput{Reason: "群众反映强烈，经核查属实", OnDate: "2026-03-10"})
	refused(t, err, "该示范点当前状态为“已撤销”，不能再次撤销")
	_, err = f.pg.RevokeSite(ctx, f.secretary, nominated.ID, programs.SiteRevokeInput{Reason: "群众反映强烈，经核查属实", OnDate: "2026-03-10"})
	refused(t, err, "您没有办理此事项的权限：应由"+f.xingning.Label()+"办理")
	if after := f.state(t); after != before {
		t.Fatalf("refused steps changed the tables:\n%s\n%s", before, after)
	}
}

// TestSiteQuota: a county nominates up to its quota — 2–3 by default —
// and no more, with the sites it has named in the message and nothing
// changed; the city (not the county) raises it for a year; a revoked
// nomination frees its place; the quota list shows where each unit stands.
func TestSiteQuota(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	for _, o := range []org.Org{f.xn, f.beining, f.third} {
		f.nominate(t, f.xnAdmin, o, 2026)
	}
	before := f.state(t)
	_, err := f.pg.Nominate(ctx, f.xnAdmin, programs.SiteInput{OrgID: f.fourth.ID, Year: 2026, Materials: siteMaterials})
	refused(t, err, f.xingning.Label()+" 2026 年示范点推荐名额为 2–3 个，已推荐 3 个（兴宁社区党支部、北宁社区党支部、高峰社区党支部），不能再推荐")
	// Next year's quota is another.
	if after := f.state(t); after != before {
		t.Fatalf("a nomination over the quota changed the tables:\n%s\n%s", before, after)
	}
	f.nominate(t, f.xnAdmin, f.fifth, 2027)
	before = f.state(t)

	// The county may not set its own quota; a township has none; the
	// bounds are checked.
	_, err = f.pg.SetSiteQuota(ctx, f.xnAdmin, programs.SiteQuotaInput{OrgID: f.xingning.ID, Year: 2026, Min: 2, Max: 4})
	refused(t, err, "您没有设置"+f.xingning.Label()+"示范点名额的权限：由"+f.city.Label()+"设置")
	_, err = f.pg.SetSiteQuota(ctx, f.cityAdmin, programs.SiteQuotaInput{OrgID: f.minsheng.ID, Year: 2026, Min: 2, Max: 4})
	refused(t, err, "“"+f.minsheng.Label()+"”不是县（市、区）委或市级党（工）委，没有示范点推荐名额")
	_, err = f.pg.SetSiteQuota(ctx, f.cityAdmin, programs.SiteQuotaInput{OrgID: f.xingning.ID, Year: 2025, Min: 3, Max: 2})
	refused(t, err, "year: 名额年度应为 2026 或 2027 年; max: 最多名额（2 个）不能少于最少名额（3 个）")
	_, err = f.pg.SetSiteQuota(ctx, f.cityAdmin, programs.SiteQuotaInput{OrgID: f.xingning.ID, Year: 2026, Min: 0, Max: 11})
	refused(t, err, "min: 最少名额应为 1–10 个; max: 最多名额应为 1–10 个")
	_, err = f.pg.SetSiteQuota(ctx, f.cityAdmin, programs.SiteQuotaInput{OrgID: f.xingning.ID, Year: 2026, Min: 1, Max: 2})
	refused(t, err, f.xingning.Label()+" 2026 年已推荐 3 个示范点（兴宁社区党支部、北宁社区党支部、高峰社区党支部），最多名额不能少于 3 个")
	if after := f.state(t); after != before {
		t.Fatalf("refused quotas changed the tables:\n%s\n%s", before, after)
	}
	q, err := f.pg.SetSiteQuota(ctx, f.cityAdmin, programs.SiteQuotaInput{OrgID: f.xingning.ID, Year: 2026, Min: 2, Max: 4})
	if err != nil || q.Min != 2 || q.Max != 4 || q.Nominated != 3 || q.Status != "within" || q.Version != 1 {
		t.Fatalf("set: %v %+v", err, q)
	}
	if f.state(t) == before {
		t.Fatal("the quota was not stored")
	}
	x := f.nominate(t, f.xnAdmin, f.fourth, 2026)
	before = f.state(t)
	_, err = f.pg.Nominate(ctx, f.xnAdmin, programs.SiteInput{OrgID: f.sitang.ID, Year: 2026, Materials: siteMaterials})
	refused(t, err, f.xingning.Label()+" 2026 年示范点推荐名额为 2–4 个，已推荐 4 个（兴宁社区党支部、北宁社区党支部、高峰社区党支部、人民中社区党支部），不能再推荐")
	if after := f.state(t); after != before {
		t.Fatalf("a nomination over the quota changed the tables:\n%s\n%s", before, after)
	}
	// A revoked nomination frees its place; its organization is not
	// nominated twice in the year.
	siteMust(t)(f.pg.RevokeSite(ctx, f.cityAdmin, x.ID, programs.SiteRevokeInput{Reason: "创建基础不再具备", OnDate: "2026-03-10"}))
	before = f.state(t)
	_, err = f.pg.Nominate(ctx, f.xnAdmin, programs.SiteInput{OrgID: f.fourth.ID, Year: 2026, Materials: siteMaterials})
	refused(t, err, fmt.Sprintf("“人民中社区党支部” 2026 年已推荐过（示范点 %d，已撤销），同一年度不能再次推荐", x.ID))
	if after := f.state(t); after != before {
		t.Fatalf("a second nomination changed the tables:\n%s\n%s", before, after)
	}
	f.nominate(t, f.xnAdmin, f.sitang, 2026)

	qs, err := f.pg.SiteQuotas(ctx, f.cityAdmin, 0, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, q := range qs {
		if q.OrgID == f.xingning.ID || q.OrgID == f.qingxiu.ID || q.OrgID == f.organs.ID {
			lines = append(lines, fmt.Sprintf("%s %d–%d set=%v %d %s", q.OrgName, q.Min, q.Max, q.Set, q.Nominated, q.Status))
		}
	}
	want := f.xingning.Label() + " 2–4 set=true 4 full; " + f.qingxiu.Label() + " 2–3 set=false 0 below; 市直机关工委 2–3 set=false 0 below"
	if got := strings.Join(lines, "; "); got != want {
		t.Errorf("quotas: %s, want %s", got, want)
	}
	if len(qs) != 13 {
		t.Errorf("%d nominating units, want Nanning's 12 counties and the city's work committee", len(qs))
	}
	mine, err := f.pg.SiteQuotas(ctx, f.xnAdmin, 0, 2026)
	if err != nil || len(mine) != 1 || mine[0].OrgID != f.xingning.ID {
		t.Errorf("the county's quotas: %v %+v", err, mine)
	}
}

// TestSiteNominateRefused: every bad nomination is refused with its
// message and changes nothing.
func TestSiteNominateRefused(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	six := make([]cases.NamedFile, 6)
	for i := range six {
		six[i] = cases.NamedFile{Name: fmt.Sprintf("照片%d.png", i+1), Data: photo(t)}
	}
	live := f.nominate(t, f.xnAdmin, f.beining, 2026)
	before := f.state(t)
	for _, tc := range []struct {
		name  string
		actor access.Actor
		in    programs.SiteInput
		want  string
	}{
		{"no organization", f.xnAdmin, programs.SiteInput{Year: 2026, Materials: siteMaterials}, "请选择推荐为示范点的党组织"},
		{"short materials, a year past", f.xnAdmin, programs.SiteInput{OrgID: f.xn.ID, Year: 2025, Materials: "党建示范"},
			"year: 推荐年度应为 2026 或 2027 年; materials: 推荐材料（创建基础、特色做法和培育计划）请用 20–2000 字填写，现有 4 字"},
		{"six files", f.xnAdmin, programs.SiteInput{OrgID: f.xn.ID, Year: 2026, Materials: siteMaterials, Files: six}, "attachments: 附件最多 5 个，现有 6 个，请删去 1 个后再提交"},
		{"a file that is not an image", f.xnAdmin, programs.SiteInput{OrgID: f.xn.ID, Year: 2026, Materials: siteMaterials, Files: []cases.NamedFile{{Name: "a.png", Data: []byte("not an image")}}}, "attachments: "},
		{"the county itself", f.cityAdmin, programs.SiteInput{OrgID: f.xingning.ID, Year: 2026, Materials: siteMaterials},
			"“" + f.xingning.Label() + "”之上没有县（市、区）委或市级党（工）委：示范点由县（市、区）委和市级党（工）委从所属党组织中推荐"},
		{"the street for the county", f.streetAdmin, programs.SiteInput{OrgID: f.xn.ID, Year: 2026, Materials: siteMaterials},
			"您没有推荐示范点的权限：兴宁社区党支部的示范点由" + f.xingning.Label() + "推荐"},
		{"a secretary", f.secretary, programs.SiteInput{OrgID: f.xn.ID, Year: 2026, Materials: siteMaterials}, "您没有推荐示范点的权限"},
		{"another county's", f.xnAdmin, programs.SiteInput{OrgID: f.qxVillage.ID, Year: 2026, Materials: siteMaterials}, "不存在或不在您的管理范围内"},
		{"a site already", f.xnAdmin, programs.SiteInput{OrgID: f.beining.ID, Year: 2027, Materials: siteMaterials},
			fmt.Sprintf("“北宁社区党支部”已是示范点或示范点培育对象（2026 年推荐，已推荐，待培育，示范点 %d），不能重复推荐", live.ID)},
	} {
		_, err := f.pg.Nominate(ctx, tc.actor, tc.in)
		if err == nil || !strings.Contains(errText(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if after := f.state(t); after != before {
		t.Fatalf("refused nominations changed the tables:\n%s\n%s", before, after)
	}
}

// TestSiteCityCommittee: a city-level 党工委 nominates the organizations
// below it; the city accepts them; a county's community is the county's
// to nominate even for the city.
func TestSiteCityCommittee(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	ok, err := f.pg.SiteNominatorOK(ctx, f.organs)
	if err != nil || !ok {
		t.Fatalf("the city's work committee nominates: %v %v", ok, err)
	}
	for _, o := range []org.Org{f.finance, f.minsheng, f.city} {
		if ok, err := f.pg.SiteNominatorOK(ctx, o); err != nil || ok {
			t.Errorf("%s nominates: %v %v", o.Label(), ok, err)
		}
	}
	x, err := f.pg.Nominate(ctx, f.cityAdmin, programs.SiteInput{OrgID: f.finance.ID, Year: 2026, Materials: siteMaterials})
	if err != nil || x.NominatorID != f.organs.ID || x.AcceptingID != f.city.ID {
		t.Fatalf("the work committee's site: %v %+v", err, x)
	}
	y, err := f.pg.Nominate(ctx, f.cityAdmin, programs.SiteInput{OrgID: f.xn.ID, Year: 2026, Materials: siteMaterials})
	if err != nil || y.NominatorID != f.xingning.ID {
		t.Fatalf("the county's site nominated by the city: %v %+v", err, y)
	}
	if _, err := f.pg.Site(ctx, f.xnAdmin, x.ID); err == nil {
		t.Error("the county reads the work committee's site")
	}
}

// TestSiteLedRefused: the organizations a site leads lie in its
// nominating unit's subtree, are not the site, are led once, from a year
// the site is designated in.
func TestSiteLedRefused(t *testing.T) {
	t.Parallel()
	f := newSiteFx(t)
	ctx := context.Background()
	x := f.designated(t, f.xn, 2026)
	x = siteMust(t)(f.pg.AddLed(ctx, f.xnAdmin, x.ID, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2026}))
	before := f.state(t)
	for _, tc := range []struct {
		name  string
		actor access.Actor
		in    programs.SiteLedInput
		want  string
	}{
		{"nothing picked", f.xnAdmin, programs.SiteLedInput{Year: 2026}, "请选择示范点带动的党组织"},
		{"the site itself", f.xnAdmin, programs.SiteLedInput{OrgID: f.xn.ID, Year: 2026}, "org_id: 示范点本身不计入带动的党组织：请选择它带动的其他党组织"},
		{"the county", f.xnAdmin, programs.SiteLedInput{OrgID: f.xingning.ID, Year: 2026}, "org_id: “" + f.xingning.Label() + "”不在" + f.xingning.Label() + "所属范围内：示范点带动的是推荐单位所属的党组织"},
		{"another county's, for the city", f.cityAdmin, programs.SiteLedInput{OrgID: f.qxVillage.ID, Year: 2026}, "org_id: “" + f.qxVillage.Label() + "”不在" + f.xingning.Label() + "所属范围内"},
		{"led already", f.xnAdmin, programs.SiteLedInput{OrgID: f.beining.ID, Year: 2026}, "“北宁社区党支部”已列为该示范点带动的党组织（2026 年起）"},
		{"before the designation", f.xnAdmin, programs.SiteLedInput{OrgID: f.third.ID, Year: 2025, Note: strings.Repeat("带", 201)},
			"year: 带动年度应为 2026 年（命名年度起，不晚于今年）; note: 带动内容最多 200 字，现有 201 字"},
		{"another county's, for the county", f.xnAdmin, programs.SiteLedInput{OrgID: f.qxVillage.ID, Year: 2026}, "不存在或不在您的管理范围内"},
	} {
		_, err := f.pg.AddLed(ctx, tc.actor, x.ID, tc.in)
		if err == nil || !strings.Contains(errText(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if after := f.state(t); after != before {
		t.Fatalf("refused organizations changed the tables:\n%s\n%s", before, after)
	}
}
