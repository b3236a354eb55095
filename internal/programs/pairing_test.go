package programs_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/testrig"
)

// prFx adds to ctFx the organizations pairings are made of: an organ's
// branch of 兴宁区, a public institution of the city, a 两新 branch of 民生街道
// and a school's branch.
type prFx struct {
	*ctFx
	finance, hospital, firm, school org.Org
}

func newPrFx(t *testing.T) *prFx {
	t.Helper()
	f := &prFx{ctFx: newCtFx(t)}
	mk := func(parent org.Org, name, kind, cat string) org.Org {
		t.Helper()
		o, err := f.orgs.Create(context.Background(), testrig.Admin, org.Input{ParentID: parent.ID, Name: name, Kind: kind, Category: cat})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return o
	}
	f.finance = mk(f.xingning, "兴宁区财政局机关党支部", "branch", "organ")
	f.hospital = mk(f.city, "南宁市第一人民医院党委", "committee", "institution")
	f.firm = mk(f.minsheng, "南宁智联科技有限公司党支部", "branch", "private")
	f.school = mk(f.xingning, "兴宁区第一小学党支部", "branch", "school")
	return f
}

func (f *prFx) pair(t *testing.T, actor access.Actor, a, g org.Org, from, to int) programs.Pairing {
	t.Helper()
	p, err := f.pg.CreatePairing(context.Background(), actor, programs.PairingInput{AgencyOrgID: a.ID, GrassrootsOrgID: g.ID, FromYear: from, ToYear: to})
	if err != nil {
		t.Fatalf("pairing %s ↔ %s: %v", a.Label(), g.Label(), err)
	}
	return p
}

// commit adds a commitment and returns its id.
func (f *prFx) commit(t *testing.T, actor access.Actor, p programs.Pairing, year int, kind string, target int) int64 {
	t.Helper()
	got, err := f.pg.AddCommitment(context.Background(), actor, p.ID, programs.CommitmentInput{Year: year, Kind: kind, Target: target, Content: "年度共建承诺"})
	if err != nil {
		t.Fatalf("commitment %s %d: %v", kind, target, err)
	}
	for _, c := range got.Commitments {
		if c.Year == year && c.Kind == kind {
			return c.ID
		}
	}
	t.Fatalf("commitment %s not found", kind)
	return 0
}

func (f *prFx) complete(t *testing.T, actor access.Actor, p programs.Pairing, cid int64, on string, amount int, files ...cases.NamedFile) programs.Pairing {
	t.Helper()
	got, err := f.pg.RecordCompletion(context.Background(), actor, p.ID, programs.CompletionInput{CommitmentID: cid, DoneOn: on, Amount: amount, Evidence: "已按协议落实，附签收单", Files: files})
	if err != nil {
		t.Fatalf("completion %d: %v", amount, err)
	}
	return got
}

// pairingState is what the tables hold of pairings.
func (f *prFx) pairingState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rows, err := f.d.Query(ctx, "SELECT id, agency_org_id, grassroots_org_id, from_year, COALESCE(to_year, 0), version FROM pairings ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, a, g, from, to, v int
		if err := rows.Scan(&id, &a, &g, &from, &to, &v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "p%d %d-%d %d-%d v%d; ", id, a, g, from, to, v)
	}
	rows.Close()
	rows, err = f.d.Query(ctx, "SELECT id, pairing_id, year, kind, target, done, version FROM pairing_commitments ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, p, y, tg, d, v int
		var k string
		if err := rows.Scan(&id, &p, &y, &k, &tg, &d, &v); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "c%d p%d %d %s %d/%d v%d; ", id, p, y, k, d, tg, v)
	}
	rows.Close()
	return fmt.Sprint(b.String(), f.count(t, "pairing_completions"), " completions ", f.count(t, "pairing_files"), " files ", f.count(t, "audit_log"), " entries")
}

// prExifJPEG is a small photo carrying Exif with a place and a camera.
func prExifJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range 8 {
		img.Set(i, i, color.RGBA{200, 22, 30, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00"), []byte("GPSLatitude 22.8170N Camera XYZ")...)
	seg := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	data := b.Bytes()
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

// TestPairingLifecycle: four pairings of 2026 with their commitments and
// what was delivered, the rates and the totals by county, by hand:
//
//	pairing                          commitments 2026 (done / target)                     rate                      done in full
//	1 财政局 ↔ 兴宁社区 (2025–)        funds 60,000/100,000, projects 2/2, activities 3/6    (0.6+1+0.5)/3 = 70.0 %    1
//	2 市一院 ↔ 四塘社区 (2026–2028)    funds 50,000/50,000, activities 1/4                   (1+0.25)/2 = 62.5 %       1
//	3 财政局 ↔ 智联科技 (2026–)        activities 0/3                                        0.0 %                     0
//	4 市一院 ↔ a community of 青秀区   funds 0/30,000                                        0.0 %                     0
//
// 兴宁区: 3 pairings, 6 commitments, 2 done, funds 150,000 committed and
// 110,000 delivered; 青秀区: 1, 1, 0, 30,000 and 0.
func TestPairingLifecycle(t *testing.T) {
	t.Parallel()
	f := newPrFx(t)
	ctx := context.Background()
	p1 := f.pair(t, f.countyAdmin, f.finance, f.xnCommunity, 2025, 0)
	p2 := f.pair(t, f.cityAdmin, f.hospital, f.sitang, 2026, 2028)
	p3 := f.pair(t, f.countyAdmin, f.finance, f.firm, 2026, 0)
	p4 := f.pair(t, f.cityAdmin, f.hospital, f.qxCommunity, 2026, 0)
	old := f.commit(t, f.countyAdmin, p1, 2025, "activities", 4)
	f.complete(t, f.secretary, p1, old, "2025-12-20", 4)
	funds1 := f.commit(t, f.countyAdmin, p1, 2026, "funds", 100000)
	proj1 := f.commit(t, f.countyAdmin, p1, 2026, "projects", 2)
	act1 := f.commit(t, f.countyAdmin, p1, 2026, "activities", 6)
	// The county department of the grassroots side keeps the city
	// hospital's commitments too.
	funds2 := f.commit(t, f.countyAdmin, p2, 2026, "funds", 50000)
	act2 := f.commit(t, f.cityAdmin, p2, 2026, "activities", 4)
	f.commit(t, f.countyAdmin, p3, 2026, "activities", 3)
	f.commit(t, f.qxAdmin, p4, 2026, "funds", 30000)

	photo := prExifJPEG(t)
	got := f.complete(t, f.secretary, p1, funds1, "2026-04-10", 60000, cases.NamedFile{Name: "签收单.jpg", Data: photo})
	f.complete(t, f.countyAdmin, p1, proj1, "2026-05-01", 1)
	f.complete(t, f.secretary, p1, proj1, "2026-08-01", 1)
	f.complete(t, f.countyAdmin, p1, act1, "2026-06-01", 3)
	f.complete(t, f.cityAdmin, p2, funds2, "2026-07-01", 50000)
	f.complete(t, f.countyAdmin, p2, act2, "2026-09-01", 1)

	// The file is kept without its Exif, and given back as it is kept.
	var fid int64
	for _, c := range got.Commitments {
		if c.ID == funds1 && len(c.Completions) == 1 && len(c.Completions[0].Files) == 1 {
			fid = c.Completions[0].Files[0].ID
		}
	}
	if fid == 0 {
		t.Fatalf("no file on the funds' completion: %+v", got.Commitments)
	}
	fd, err := f.pg.PairingFileOf(ctx, f.secretary, p1.ID, fid)
	if err != nil || fd.MIME != "image/jpeg" || fd.Name != "签收单.jpg" || bytes.Contains(fd.Data, []byte("GPSLatitude")) || len(fd.Data) >= len(photo) || fd.Size != len(fd.Data) {
		t.Errorf("file: %s %s %d bytes of %d, %v", fd.Name, fd.MIME, len(fd.Data), len(photo), err)
	}
	if _, err := f.pg.PairingFileOf(ctx, f.qxAdmin, p1.ID, fid); !errs.Is(err, errs.NotFound) {
		t.Errorf("file of another county: %v", err)
	}
	if _, err := f.pg.PairingFileOf(ctx, f.cityAdmin, p2.ID, fid); !errs.Is(err, errs.NotFound) {
		t.Errorf("file of pairing 1 through pairing 2: %v", err)
	}

	show := func(l programs.PairingList) string {
		var parts []string
		for _, p := range l.Items {
			parts = append(parts, fmt.Sprintf("%s↔%s %.1f%% %d/%d funds %d/%d", p.AgencyName, p.GrassrootsName, p.Rate, p.Completed, p.CommitmentCount, p.FundsDelivered, p.FundsCommitted))
		}
		s := l.Sum
		return fmt.Sprintf("%d [%s] sum %d %d %d %d/%d", l.Total, strings.Join(parts, "; "), s.Pairings, s.Commitments, s.Completed, s.FundsDelivered, s.FundsCommitted)
	}
	qx := f.qxCommunity.Label()
	for _, tc := range []struct {
		name  string
		actor access.Actor
		q     programs.PairingQuery
		want  string
	}{
		{"the city by rate", f.cityAdmin, programs.PairingQuery{Sort: "-rate"},
			"4 [兴宁区财政局机关党支部↔兴宁社区党支部 70.0% 1/3 funds 60000/100000; 南宁市第一人民医院党委↔四塘社区党支部 62.5% 1/2 funds 50000/50000; " +
				"兴宁区财政局机关党支部↔南宁智联科技有限公司党支部 0.0% 0/1 funds 0/0; 南宁市第一人民医院党委↔" + qx + " 0.0% 0/1 funds 0/30000] sum 4 7 2 110000/180000"},
		{"兴宁区: the city hospital's pairing with its village included", f.countyAdmin, programs.PairingQuery{Sort: "grassroots"},
			"3 [兴宁区财政局机关党支部↔南宁智联科技有限公司党支部 0.0% 0/1 funds 0/0; 南宁市第一人民医院党委↔四塘社区党支部 62.5% 1/2 funds 50000/50000; " +
				"兴宁区财政局机关党支部↔兴宁社区党支部 70.0% 1/3 funds 60000/100000] sum 3 6 2 110000/150000"},
		{"青秀区", f.qxAdmin, programs.PairingQuery{}, "1 [南宁市第一人民医院党委↔" + qx + " 0.0% 0/1 funds 0/30000] sum 1 1 0 0/30000"},
		{"the community's secretary", f.secretary, programs.PairingQuery{}, "1 [兴宁区财政局机关党支部↔兴宁社区党支部 70.0% 1/3 funds 60000/100000] sum 1 3 1 60000/100000"},
		{"a name", f.cityAdmin, programs.PairingQuery{Q: "财政局", Sort: "rate"},
			"2 [兴宁区财政局机关党支部↔南宁智联科技有限公司党支部 0.0% 0/1 funds 0/0; 兴宁区财政局机关党支部↔兴宁社区党支部 70.0% 1/3 funds 60000/100000] sum 2 4 1 60000/100000"},
		{"2025", f.auditor, programs.PairingQuery{Year: 2025}, "1 [兴宁区财政局机关党支部↔兴宁社区党支部 100.0% 1/1 funds 0/0] sum 1 1 1 0/0"},
		{"2029: the hospital's pairing with 四塘社区 is over", f.cityAdmin, programs.PairingQuery{Year: 2029},
			"3 [南宁市第一人民医院党委↔" + qx + " 0.0% 0/0 funds 0/0; 兴宁区财政局机关党支部↔南宁智联科技有限公司党支部 0.0% 0/0 funds 0/0; 兴宁区财政局机关党支部↔兴宁社区党支部 0.0% 0/0 funds 0/0] sum 3 0 0 0/0"},
	} {
		l, err := f.pg.Pairings(ctx, tc.actor, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := show(l); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}

	totals := func(actor access.Actor) string {
		rows, sum, err := f.pg.PairingTotals(ctx, actor, 0, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, r := range rows {
			if r.Pairings > 0 {
				parts = append(parts, fmt.Sprintf("%s %d %d %d %d/%d", r.OrgName, r.Pairings, r.Commitments, r.Completed, r.FundsDelivered, r.FundsCommitted))
			}
		}
		return fmt.Sprintf("%s | %s %d %d %d %d/%d projects %d/%d activities %d/%d", strings.Join(parts, "; "), sum.OrgName, sum.Pairings, sum.Commitments, sum.Completed,
			sum.FundsDelivered, sum.FundsCommitted, sum.ProjectsDone, sum.Projects, sum.ActivitiesDone, sum.Activities)
	}
	want := fmt.Sprintf("%s 3 6 2 110000/150000; %s 1 1 0 0/30000 | %s 4 7 2 110000/180000 projects 2/2 activities 4/13", f.xingning.Label(), f.qingxiu.Label(), f.city.Label())
	if got := totals(f.cityAdmin); got != want {
		t.Errorf("city totals:\n got %s\nwant %s", got, want)
	}
	want = fmt.Sprintf("%s 2 4 1 60000/100000; %s 1 2 1 50000/50000 | %s 3 6 2 110000/150000 projects 2/2 activities 4/13", f.minsheng.Label(), f.santang.Label(), f.xingning.Label())
	if got := totals(f.countyAdmin); got != want {
		t.Errorf("兴宁区 totals:\n got %s\nwant %s", got, want)
	}
	// After the bounded pairing ends the two may pair again.
	if _, err := f.pg.CreatePairing(ctx, f.cityAdmin, programs.PairingInput{AgencyOrgID: f.hospital.ID, GrassrootsOrgID: f.sitang.ID, FromYear: 2027}); err == nil {
		t.Error("an overlapping pairing was accepted")
	}
	_ = p3
}

// TestPairingBadInput: each refused pairing, commitment and completion
// says what to fix, and nothing changes.
func TestPairingBadInput(t *testing.T) {
	t.Parallel()
	f := newPrFx(t)
	ctx := context.Background()
	p1 := f.pair(t, f.countyAdmin, f.finance, f.xnCommunity, 2025, 0)
	p2 := f.pair(t, f.cityAdmin, f.hospital, f.sitang, 2026, 2028)
	funds := f.commit(t, f.countyAdmin, p1, 2026, "funds", 100000)
	proj := f.commit(t, f.countyAdmin, p1, 2026, "projects", 2)
	f.complete(t, f.countyAdmin, p1, funds, "2026-04-10", 60000)
	f.complete(t, f.countyAdmin, p1, proj, "2026-05-10", 2)

	pair := func(actor access.Actor, in programs.PairingInput) func() error {
		return func() error { _, err := f.pg.CreatePairing(ctx, actor, in); return err }
	}
	commit := func(actor access.Actor, id int64, in programs.CommitmentInput) func() error {
		return func() error { _, err := f.pg.AddCommitment(ctx, actor, id, in); return err }
	}
	complete := func(actor access.Actor, id int64, in programs.CompletionInput) func() error {
		return func() error { _, err := f.pg.RecordCompletion(ctx, actor, id, in); return err }
	}
	ok := programs.CompletionInput{CommitmentID: funds, DoneOn: "2026-09-01", Amount: 10000, Evidence: "资金已拨付到村集体账户"}
	with := func(mod func(*programs.CompletionInput)) programs.CompletionInput { v := ok; mod(&v); return v }
	photo := prExifJPEG(t)
	six := make([]cases.NamedFile, 6)
	for i := range six {
		six[i] = cases.NamedFile{Name: fmt.Sprintf("现场%d.jpg", i+1), Data: photo}
	}
	fin, xn := f.finance.Label(), f.xnCommunity.Label()
	badCases := []struct {
		name  string
		do    func() error
		kind  errs.Kind
		field string
		want  string
	}{
		{"an organization paired with itself", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.finance.ID, FromYear: 2026}),
			errs.Invalid, "grassroots_org_id", "“" + fin + "”不能与自己结对：请选择另一个党组织"},
		{"the same pair twice for a year", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.xnCommunity.ID, FromYear: 2027}),
			errs.Conflict, "", fmt.Sprintf("“%s”与“%s”已结对（2025 年起，结对 %d），同一年度不能重复结对", fin, xn, p1.ID)},
		{"the same pair over a bounded pairing's years", pair(f.cityAdmin, programs.PairingInput{AgencyOrgID: f.hospital.ID, GrassrootsOrgID: f.sitang.ID, FromYear: 2024, ToYear: 2026}),
			errs.Conflict, "", fmt.Sprintf("“%s”与“%s”已结对（2026–2028 年，结对 %d），同一年度不能重复结对", f.hospital.Label(), f.sitang.Label(), p2.ID)},
		{"a school is no agency", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.school.ID, GrassrootsOrgID: f.beining.ID, FromYear: 2026}),
			errs.Invalid, "agency_org_id", "“" + f.school.Label() + "”不是机关、事业单位或国有企业党组织（现为学校）"},
		{"a township is not grassroots", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.minsheng.ID, FromYear: 2026}),
			errs.Invalid, "grassroots_org_id", "“" + f.minsheng.Label() + "”不是村、社区或两新组织党组织，不能作为结对对象"},
		{"a last year before the first", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.beining.ID, FromYear: 2026, ToYear: 2025}),
			errs.Invalid, "to_year", "结束年度应不早于起始年度，且至多 10 年后（长期结对请留空）"},
		{"an organization of another county", pair(f.countyAdmin, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.qxCommunity.ID, FromYear: 2026}),
			errs.Invalid, "grassroots_org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.qxCommunity.ID)},
		{"a secretary pairs", pair(f.secretary, programs.PairingInput{AgencyOrgID: f.finance.ID, GrassrootsOrgID: f.xnCommunity.ID, FromYear: 2026}),
			errs.Forbidden, "", "您没有设置结对共建的权限"},
		{"a negative target", commit(f.countyAdmin, p1.ID, programs.CommitmentInput{Year: 2026, Kind: "activities", Target: -3, Content: "开展主题党日"}),
			errs.Invalid, "target", "承诺目标不能为负数"},
		{"a target of nothing", commit(f.countyAdmin, p1.ID, programs.CommitmentInput{Year: 2026, Kind: "activities", Target: 0, Content: "开展主题党日"}),
			errs.Invalid, "target", "请填写大于 0 的承诺目标"},
		{"a second commitment of a kind in a year", commit(f.countyAdmin, p1.ID, programs.CommitmentInput{Year: 2026, Kind: "funds", Target: 5000, Content: "追加资金"}),
			errs.Conflict, "", "该结对 2026 年已有“帮扶资金”承诺（目标 100,000 元），每类承诺每年一项"},
		{"a year before the pairing", commit(f.countyAdmin, p2.ID, programs.CommitmentInput{Year: 2025, Kind: "funds", Target: 5000, Content: "帮扶资金"}),
			errs.Invalid, "year", "承诺年度应在结对期内（2026 年起，2028 年）"},
		{"no kind", commit(f.countyAdmin, p1.ID, programs.CommitmentInput{Year: 2026, Kind: "gifts", Target: 5, Content: "慰问"}),
			errs.Invalid, "kind", "请选择承诺类别：帮扶资金、帮建项目或共建活动"},
		{"a secretary sets a commitment", commit(f.secretary, p1.ID, programs.CommitmentInput{Year: 2026, Kind: "activities", Target: 3, Content: "开展主题党日"}),
			errs.Forbidden, "", "您没有为该结对设定年度承诺的权限：由结对双方的组织部门设定"},
		{"a completion beyond the target", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.Amount = 50000 })),
			errs.Invalid, "amount", "本次登记 50,000 元后累计将达 110,000 元，超过承诺目标 100,000 元；最多还能登记 40,000 元"},
		{"a completion without evidence", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.Evidence = "  " })),
			errs.Invalid, "evidence", "请填写完成情况的佐证说明（做了什么、在哪里、谁参加或资金去向），可另附照片或文件"},
		{"a negative amount", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.Amount = -100 })),
			errs.Invalid, "amount", "完成数量不能为负数"},
		{"a commitment done in full", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.CommitmentID = proj; c.Amount = 1 })),
			errs.Conflict, "", "该项承诺已全部完成（2 / 2 个），不能再登记"},
		{"six files", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.Files = six })),
			errs.Invalid, "attachments", "附件最多 5 个，现有 6 个，请删去 1 个后再提交"},
		{"a program named as a photo", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) {
			c.Files = []cases.NamedFile{{Name: "照片.jpg", Data: []byte("MZ\x90\x00 a program")}}
		})), errs.Invalid, "attachments", "文件 照片.jpg 的内容不是 JPEG 图片，而是可执行程序，请上传 JPG、PNG 图片或 PDF 文件"},
		{"a date before the commitment's year", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.DoneOn = "2025-12-31" })),
			errs.Invalid, "done_on", "完成日期不能早于承诺年度（2026 年）"},
		{"a date in the future", complete(f.secretary, p1.ID, with(func(c *programs.CompletionInput) { c.DoneOn = "2026-10-01" })),
			errs.Invalid, "done_on", "完成日期不能晚于今天（2026-09-30）"},
		{"a commitment of another pairing", complete(f.cityAdmin, p2.ID, ok),
			errs.Invalid, "commitment_id", fmt.Sprintf("该结对没有编号为 %d 的承诺", funds)},
		{"an auditor records", complete(f.auditor, p1.ID, ok),
			errs.Forbidden, "", "您没有登记该结对承诺完成情况的权限"},
		{"another county records", complete(f.qxAdmin, p1.ID, ok),
			errs.NotFound, "", fmt.Sprintf("结对 %d 不存在或不在您的管理范围内", p1.ID)},
	}
	for _, tc := range badCases {
		before := f.pairingState(t)
		err := tc.do()
		e := errs.As(err)
		switch {
		case err == nil:
			t.Errorf("%s: accepted", tc.name)
		case e.Kind != tc.kind:
			t.Errorf("%s: %s %v, want %s", tc.name, e.Kind, err, tc.kind)
		case tc.field != "" && errs.FieldMessages(err, i18n.ZH)[tc.field] != tc.want:
			t.Errorf("%s: %q, want at %s %q", tc.name, errs.FieldMessages(err, i18n.ZH), tc.field, tc.want)
		case tc.field == "" && e.ZH != tc.want:
			t.Errorf("%s: %q, want %q", tc.name, e.ZH, tc.want)
		}
		if e != nil && e.EN == "" {
			t.Errorf("%s: no English", tc.name)
		}
		if after := f.pairingState(t); after != before {
			t.Errorf("%s changed the ledger:\n%s\n%s", tc.name, before, after)
		}
	}
}

// TestPairingRace: ten deliveries of 30 sent at once against a target of
// 100 — three are recorded and seven refused, whatever their order, and
// the commitment holds 90; two requests pairing the same two
// organizations at once make one pairing.
func TestPairingRace(t *testing.T) {
	t.Parallel()
	f := newPrFx(t)
	ctx := context.Background()
	p := f.pair(t, f.countyAdmin, f.finance, f.xnCommunity, 2026, 0)
	cid := f.commit(t, f.countyAdmin, p, 2026, "activities", 100)
	results := make(chan error, 10)
	for range 10 {
		go func() {
			_, err := f.pg.RecordCompletion(ctx, f.secretary, p.ID, programs.CompletionInput{CommitmentID: cid, DoneOn: "2026-09-01", Amount: 30, Evidence: "联合开展主题党日"})
			results <- err
		}()
	}
	ok, refused := 0, 0
	for range 10 {
		switch err := <-results; {
		case err == nil:
			ok++
		case errs.FieldMessages(err, i18n.ZH)["amount"] != "":
			refused++
		default:
			t.Errorf("a delivery: %v", err)
		}
	}
	got, err := f.pg.Pairing(ctx, f.cityAdmin, p.ID, 2026)
	if err != nil || ok != 3 || refused != 7 || got.Commitments[0].Done != 90 || len(got.Commitments[0].Completions) != 3 {
		t.Errorf("%d recorded, %d refused, done %d: %v", ok, refused, got.Commitments[0].Done, err)
	}
	pairs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := f.pg.CreatePairing(ctx, f.cityAdmin, programs.PairingInput{AgencyOrgID: f.hospital.ID, GrassrootsOrgID: f.beining.ID, FromYear: 2026})
			pairs <- err
		}()
	}
	e1, e2 := <-pairs, <-pairs
	if (e1 == nil) == (e2 == nil) || !errs.Is(e1, errs.Conflict) && !errs.Is(e2, errs.Conflict) {
		t.Errorf("the same pair twice at once: %v, %v", e1, e2)
	}
}
