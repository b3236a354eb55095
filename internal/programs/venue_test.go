package programs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/programs"
	"jiceng/internal/region"
	"jiceng/internal/testrig"
)

var (
	venueRegions = region.NewHolder()
	// venueNow is the programmes' date in the venue tests.
	venueNow = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)
	// venueTree is Nanning's territorial tree, seeded once for the venue
	// tests.
	venueTree = testrig.NewFixture("Nanning's tree for the venues", func(ctx context.Context, d *db.DB) (int64, error) {
		res, err := org.NewService(d, venueRegions).InitRegion(ctx, testrig.Admin, "4501")
		return res.RootID, err
	})
)

// venueFx is Nanning with the venue register and the coverage module
// wired as the app wires them, and the accounts that act:
//
//	南宁市委 (city)             cityA
//	└ 兴宁区委 (county)         countyA, auditor
//	  └ 民生街道党工委 (street)  streetA
//	    ├ 兴宁社区 …             secretary (of 兴宁社区)
//	    └ 12 communities and 1 village in all
//	青秀区委 (county)           qingxiuA
type venueFx struct {
	d                                 *db.DB
	orgs                              *org.Service
	pg                                *programs.Service
	cov                               *coverage.Service
	city, xingning, qingxiu, minsheng org.Org
	// The village-level organizations of 民生街道 in code order: its
	// communities, then its village.
	communities                       []org.Org
	village                           org.Org
	cityA, countyA, streetA, qingxiuA access.Actor
	secretary, auditor                access.Actor
	perms                             *access.Catalogue
}

func newVenueFx(t *testing.T) *venueFx {
	t.Helper()
	ctx := context.Background()
	d, root := venueTree.Open(t)
	orgs := org.NewService(d, venueRegions)
	f := &venueFx{d: d, orgs: orgs, pg: programs.NewService(d, orgs, nil, nil, nil).WithClock(func() time.Time { return venueNow }),
		cov: coverage.NewService(d, orgs, venueRegions), perms: access.MustCatalogue(programs.Permissions(), coverage.Permissions())}
	f.cov.ProvideVenues(programs.VenueExistsSQL)
	get := func(code string) org.Org {
		t.Helper()
		l, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{RegionCode: code})
		if err != nil || len(l) != 1 {
			t.Fatalf("organization of %s: %v %v", code, l, err)
		}
		return l[0]
	}
	var err error
	if f.city, err = orgs.Get(ctx, testrig.Admin, root); err != nil {
		t.Fatal(err)
	}
	f.xingning, f.qingxiu, f.minsheng = get("450102"), get("450103"), get("450102001")
	kids, _, err := orgs.List(ctx, testrig.Admin, org.ListQuery{Under: f.minsheng.ID, ChildrenOnly: true, Limit: 100, Sort: "code"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kids {
		switch k.Category {
		case "community":
			f.communities = append(f.communities, k)
		case "rural":
			f.village = k
		}
	}
	if len(f.communities) != 12 || f.village.ID == 0 {
		t.Fatalf("民生街道 has %d communities and village %q; want 12 and one", len(f.communities), f.village.Name)
	}
	bind := func(id int64, name string, role access.Role, o org.Org) access.Actor {
		return f.perms.Bind(access.Actor{UserID: id, Username: name, Grants: []access.Grant{{Role: role, OrgID: o.ID, OrgPath: o.Path}}})
	}
	f.cityA = bind(20, "city", access.OrgAdmin, f.city)
	f.countyA = bind(21, "xingning", access.OrgAdmin, f.xingning)
	f.streetA = bind(22, "minsheng", access.OrgAdmin, f.minsheng)
	f.qingxiuA = bind(23, "qingxiu", access.OrgAdmin, f.qingxiu)
	f.secretary = bind(24, "sec", access.Secretary, f.communities[0])
	f.auditor = bind(25, "auditor", access.Auditor, f.xingning)
	return f
}

// venueState is what the venue tables and the audit log hold, to show
// that a refused change changed nothing.
func (f *venueFx) venueState(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"venues", "venue_photos", "venue_standards"} {
		b.WriteString(testrig.DumpTable(t, context.Background(), f.d, table))
	}
	var n int
	if err := f.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d audit entries", n)
	return b.String()
}

func (f *venueFx) save(t *testing.T, actor access.Actor, o org.Org, area int, fns ...string) programs.VenueOf {
	t.Helper()
	v, err := f.pg.SaveVenue(context.Background(), actor, o.ID, programs.VenueInput{Area: area, Functions: fns, OpeningHours: "周一至周五 8:30–17:30", Address: "南宁市兴宁区民生路 1 号"})
	if err != nil {
		t.Fatalf("venue of %s: %v", o.Name, err)
	}
	return v
}

// venueCheck writes a venue's check as "status short-by missing".
func venueCheck(c programs.VenueCheck) string {
	return fmt.Sprintf("%s %d %s", c.Status, c.ShortBy, strings.Join(c.Missing, ","))
}

// TestVenueRecordEditAndConflict: the secretary of 兴宁社区 records its
// venue, which the default community standard (300 m², a Party members'
// room, a service centre and a service counter) finds too small and
// lacking the centre; the street's department corrects it from the
// version it loaded; the secretary's save from the old version is then a
// conflict that changes nothing; every save is audited with before and
// after.
func TestVenueRecordEditAndConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	c := f.communities[0]
	v := f.save(t, f.secretary, c, 260, "service_window", "party_room", "party_room")
	if v.Venue == nil || v.Venue.Version != 1 || strings.Join(v.Venue.Functions, ",") != "party_room,service_window" || v.Venue.UpdatedBy != "sec" {
		t.Fatalf("recorded %+v", v.Venue)
	}
	if got := venueCheck(v.VenueCheck); got != "short_and_missing 40 service_center" || v.Standard.MinArea != 300 || !v.Standard.Default {
		t.Fatalf("check %q against %+v", got, v.Standard)
	}
	loaded := v.Venue.Version
	v, err := f.pg.SaveVenue(ctx, f.streetA, c.ID, programs.VenueInput{Area: 320, Functions: []string{"party_room", "service_center", "service_window", "reading_room"},
		OpeningHours: "周一至周日 8:00–20:00", Address: "南宁市兴宁区民生路 1 号", Facilities: "图书 1,200 册", Version: &loaded})
	if err != nil || v.Venue.Version != 2 || v.Status != "compliant" || v.Venue.UpdatedBy != "minsheng" {
		t.Fatalf("the street's correction: %+v %v", v.Venue, err)
	}
	before := f.venueState(t)
	_, err = f.pg.SaveVenue(ctx, f.secretary, c.ID, programs.VenueInput{Area: 100, Functions: []string{"party_room"}, OpeningHours: "周一", Address: "民生路", Version: &loaded})
	if !errs.IsStale(err) || errs.As(err).ZH != "保存前此记录已被修改（可能是他人或您在另一个窗口中），请重新打开后再改" || errs.KindOf(err) != errs.Conflict {
		t.Fatalf("a save from version 1 after version 2: %v", err)
	}
	if after := f.venueState(t); after != before {
		t.Fatalf("the stale save changed the tables:\n%s\n%s", before, after)
	}
	// The audit log: the record and the change, with what changed.
	rows, err := f.d.Query(ctx, "SELECT action, actor_name, summary, COALESCE(before_json, ''), COALESCE(after_json, '') FROM audit_log WHERE target_type = 'org' AND target_id = ? ORDER BY id", fmt.Sprint(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a, who, sum, b, af string
		if err := rows.Scan(&a, &who, &sum, &b, &af); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s before=%t after=%t", a, who, sum, strings.Contains(b, `"area":260`), strings.Contains(af, `"area":320`)))
	}
	want := []string{
		"venue.create sec 登记" + c.Label() + "的阵地：260 平方米 before=false after=false",
		"venue.update minsheng 修改" + c.Label() + "的阵地：260 → 320 平方米 before=true after=true",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestVenueBadInput: each bad input is refused at its field with a
// message that says what to fix, and nothing changes.
func TestVenueBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	c := f.communities[0]
	f.save(t, f.secretary, c, 320, "party_room", "service_center", "service_window")
	good := programs.VenueInput{Area: 300, Functions: []string{"party_room"}, OpeningHours: "周一至周五 8:30–17:30", Address: "民生路 1 号"}
	area := "面积应为 1–10000 之间的整数（单位：平方米）"
	for _, tc := range []struct {
		name  string
		edit  func(*programs.VenueInput)
		field string
		want  string
	}{
		{"a negative area", func(in *programs.VenueInput) { in.Area = -120 }, "area", area},
		{"no area", func(in *programs.VenueInput) { in.Area = 0 }, "area", area},
		{"an absurd area", func(in *programs.VenueInput) { in.Area = 35000 }, "area", area},
		{"an unknown function", func(in *programs.VenueInput) { in.Functions = []string{"party_room", "gym"} }, "functions", "未知的功能“gym”，请从列表中选择，如“党员活动室”“便民服务窗口”"},
		{"no function", func(in *programs.VenueInput) { in.Functions = nil }, "functions", "请至少选择一项功能，如“党员活动室”"},
		{"opening hours empty", func(in *programs.VenueInput) { in.OpeningHours = "  " }, "opening_hours", "请填写开放时间，如“周一至周五 8:30–12:00，14:30–17:30”"},
		{"opening hours too long", func(in *programs.VenueInput) { in.OpeningHours = strings.Repeat("开", 101) }, "opening_hours", "开放时间最多 100 字，现有 101 字"},
		{"no address", func(in *programs.VenueInput) { in.Address = "" }, "address", "请填写阵地地址"},
		{"facilities too long", func(in *programs.VenueInput) { in.Facilities = strings.Repeat("桌", 1001) }, "facilities", "设施设备最多 1000 字，现有 1001 字"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.venueState(t)
			in := good
			tc.edit(&in)
			_, err := f.pg.SaveVenue(ctx, f.secretary, c.ID, in)
			if fm := errs.FieldMessages(err, ""); errs.KindOf(err) != errs.Invalid || len(fm) != 1 || fm[tc.field] != tc.want {
				t.Fatalf("%v (%v), want %s: %q", fm, err, tc.field, tc.want)
			}
			if after := f.venueState(t); after != before {
				t.Fatalf("the refused save changed the tables:\n%s\n%s", before, after)
			}
		})
	}
	// In English, the message says the same.
	_, err := f.pg.SaveVenue(ctx, f.secretary, c.ID, programs.VenueInput{Area: -1, Functions: []string{"party_room"}, OpeningHours: "", Address: "x"})
	if fm := errs.FieldMessages(err, "en"); fm["area"] != "the area must be a whole number of square metres from 1 to 10,000" ||
		fm["opening_hours"] != `enter the opening hours, such as "Mon–Fri 8:30–12:00, 14:30–17:30"` {
		t.Errorf("English: %v", fm)
	}
}

// TestVenueWhoMayRecord: a secretary records the venue of their own
// organization only; an auditor reads but does not record; an
// organization department records anywhere in its scope and finds nothing
// outside it.
func TestVenueWhoMayRecord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	c, other := f.communities[0], f.communities[1]
	in := programs.VenueInput{Area: 300, Functions: []string{"party_room"}, OpeningHours: "周一至周五", Address: "民生路"}
	before := f.venueState(t)
	if _, err := f.pg.SaveVenue(ctx, f.secretary, other.ID, in); errs.KindOf(err) != errs.NotFound || errs.As(err).ZH != fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", other.ID) {
		t.Errorf("the secretary of %s recording %s: %v", c.Name, other.Name, err)
	}
	if _, err := f.pg.SaveVenue(ctx, f.auditor, c.ID, in); errs.KindOf(err) != errs.Forbidden || errs.As(err).ZH != "您没有登记“"+c.Label()+"”阵地的权限" {
		t.Errorf("the auditor recording: %v", err)
	}
	if _, err := f.pg.SaveVenue(ctx, f.qingxiuA, c.ID, in); errs.KindOf(err) != errs.NotFound {
		t.Errorf("青秀区 recording a venue of 兴宁区: %v", err)
	}
	if _, err := f.pg.Venue(ctx, f.qingxiuA, c.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("青秀区 reading a venue of 兴宁区: %v", err)
	}
	if after := f.venueState(t); after != before {
		t.Fatalf("refused saves changed the tables")
	}
	if v, err := f.pg.Venue(ctx, f.auditor, c.ID); err != nil || v.Venue != nil || v.Status != "none" {
		t.Errorf("the auditor reading: %+v %v", v, err)
	}
	f.save(t, f.countyA, other, 280, "party_room")
	if v, err := f.pg.Venue(ctx, f.auditor, other.ID); err != nil || v.Venue == nil || v.Venue.Area != 280 {
		t.Errorf("the auditor reading what the county recorded: %+v %v", v, err)
	}
}

// TestVenueStandardsCascade: the nearest standard above an organization
// wins, the default applies where none is set, and removing a standard
// hands its subtree to the one above. 民生街道's five venues:
//
//	c0 320 m² room+centre+counter   c1 260 m² room+centre+counter
//	c2 400 m² room                  c3 100 m² meeting room
//	village 210 m² room+counter     (8 communities without a venue)
func TestVenueStandardsCascade(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	all := []string{"party_room", "service_center", "service_window"}
	f.save(t, f.streetA, f.communities[0], 320, all...)
	f.save(t, f.streetA, f.communities[1], 260, all...)
	f.save(t, f.streetA, f.communities[2], 400, "party_room")
	f.save(t, f.streetA, f.communities[3], 100, "meeting_room")
	f.save(t, f.streetA, f.village, 210, "party_room", "service_window")
	list := func(actor access.Actor) (programs.VenueCounts, map[int64]string) {
		t.Helper()
		l, err := f.pg.VenueCompliance(ctx, actor, programs.VenueQuery{Under: f.minsheng.ID})
		if err != nil {
			t.Fatal(err)
		}
		checks := map[int64]string{}
		for _, r := range l.Rows {
			checks[r.OrgID] = venueCheck(r.VenueCheck)
		}
		return l.Counts, checks
	}
	counts, checks := list(f.streetA)
	if counts != (programs.VenueCounts{Total: 13, WithVenue: 5, Compliant: 2, Noncompliant: 3, ShortArea: 2, MissingFunctions: 2, ShortAndMissing: 1, None: 8}) {
		t.Fatalf("defaults: %+v", counts)
	}
	want := map[int64]string{f.communities[0].ID: "compliant 0 ", f.communities[1].ID: "short_area 40 ", f.communities[2].ID: "missing_functions 0 service_center,service_window",
		f.communities[3].ID: "short_and_missing 200 party_room,service_center,service_window", f.village.ID: "compliant 0 ", f.communities[4].ID: "none 0 "}
	for id, w := range want {
		if checks[id] != w {
			t.Errorf("default check of %d: %q, want %q", id, checks[id], w)
		}
	}

	// 兴宁区 asks 250 m² and a Party members' room of its communities; the
	// city asks 500 m² of communities and 300 m² of villages. The county's
	// is nearer for the communities; the village follows the city.
	must := func(st programs.VenueStandard, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.pg.SetVenueStandard(ctx, f.countyA, programs.VenueStandardInput{OrgID: f.xingning.ID, Kind: "community", MinArea: 250, Functions: []string{"party_room"}}))
	must(f.pg.SetVenueStandard(ctx, f.cityA, programs.VenueStandardInput{OrgID: f.city.ID, Kind: "community", MinArea: 500, Functions: all}))
	must(f.pg.SetVenueStandard(ctx, f.cityA, programs.VenueStandardInput{OrgID: f.city.ID, Kind: "rural", MinArea: 300}))
	counts, checks = list(f.streetA)
	if counts.Compliant != 3 || counts.Noncompliant != 2 || checks[f.communities[1].ID] != "compliant 0 " || checks[f.communities[2].ID] != "compliant 0 " ||
		checks[f.communities[3].ID] != "short_and_missing 150 party_room" || checks[f.village.ID] != "short_area 90 " {
		t.Fatalf("with the county's and the city's standards: %+v %v", counts, checks)
	}
	v, err := f.pg.Venue(ctx, f.secretary, f.communities[0].ID)
	if err != nil || v.Standard.OrgID != f.xingning.ID || v.Standard.MinArea != 250 || v.Standard.Default {
		t.Fatalf("the standard of 兴宁社区: %+v %v", v.Standard, err)
	}
	// What the standards page shows the county: the standard of each kind
	// that applies there (its own, the city's) and the one it set.
	sv, err := f.pg.VenueStandards(ctx, f.countyA, f.xingning.ID)
	if err != nil || len(sv.Applies) != 2 || sv.Applies[0].OrgID != f.city.ID || sv.Applies[0].MinArea != 300 || sv.Applies[1].OrgID != f.xingning.ID ||
		len(sv.Set) != 1 || sv.Set[0].Kind != "community" || !sv.CanSet {
		t.Fatalf("the county's standards page: %+v %v", sv, err)
	}
	// Removing the county's: the city's 500 m² with all three functions.
	if err := f.pg.ClearVenueStandard(ctx, f.countyA, f.xingning.ID, "community"); err != nil {
		t.Fatal(err)
	}
	counts, checks = list(f.streetA)
	if counts.Compliant != 0 || counts.Noncompliant != 5 || checks[f.communities[0].ID] != "short_area 180 " {
		t.Fatalf("after the county's standard is removed: %+v %v", counts, checks)
	}
	if err := f.pg.ClearVenueStandard(ctx, f.countyA, f.xingning.ID, "community"); errs.KindOf(err) != errs.NotFound || errs.As(err).ZH != f.xingning.Label()+"没有自己制定的社区阵地标准" {
		t.Errorf("removing it twice: %v", err)
	}
}

// TestVenueStandardBadInput: a standard with a bad area, an unknown
// function, no kind, or on an organization that is not a county's or a
// city's is refused at its field; one set by an account that may not, or
// outside its scope, is refused; nothing changes.
func TestVenueStandardBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	good := programs.VenueStandardInput{OrgID: f.xingning.ID, Kind: "rural", MinArea: 220, Functions: []string{"party_room"}}
	if _, err := f.pg.SetVenueStandard(ctx, f.countyA, good); err != nil {
		t.Fatal(err)
	}
	areaMsg := "最低面积应为 1–10000 之间的整数（单位：平方米）"
	for _, tc := range []struct {
		name  string
		actor access.Actor
		edit  func(*programs.VenueStandardInput)
		kind  errs.Kind
		field string
		want  string
	}{
		{"a negative area", f.countyA, func(in *programs.VenueStandardInput) { in.MinArea = -200 }, errs.Invalid, "min_area", areaMsg},
		{"an absurd area", f.countyA, func(in *programs.VenueStandardInput) { in.MinArea = 200000 }, errs.Invalid, "min_area", areaMsg},
		{"an unknown function", f.countyA, func(in *programs.VenueStandardInput) { in.Functions = []string{"swimming_pool"} }, errs.Invalid, "functions",
			"未知的功能“swimming_pool”，请从列表中选择，如“党员活动室”“便民服务窗口”"},
		{"no kind", f.countyA, func(in *programs.VenueStandardInput) { in.Kind = "town" }, errs.Invalid, "kind", "请选择标准适用的类别：村或社区"},
		{"a street", f.streetA, func(in *programs.VenueStandardInput) { in.OrgID = f.minsheng.ID }, errs.Invalid, "org_id",
			"阵地标准由县（市、区）或市级党组织制定，“" + f.minsheng.Label() + "”是乡镇（街道）级党组织：请选择它所在的县（市、区）"},
		{"no organization", f.countyA, func(in *programs.VenueStandardInput) { in.OrgID = 0 }, errs.Invalid, "org_id", "请选择制定标准的县（市、区）或市级党组织"},
		{"a secretary", f.secretary, func(*programs.VenueStandardInput) {}, errs.Forbidden, "", "您没有制定阵地标准的权限"},
		{"the city's, by the county", f.countyA, func(in *programs.VenueStandardInput) { in.OrgID = f.city.ID }, errs.NotFound, "", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", f.city.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.venueState(t)
			in := good
			in.MinArea = 260
			tc.edit(&in)
			_, err := f.pg.SetVenueStandard(ctx, tc.actor, in)
			if errs.KindOf(err) != tc.kind {
				t.Fatalf("%v, want a %s error", err, tc.kind)
			}
			if tc.field != "" {
				if fm := errs.FieldMessages(err, ""); len(fm) != 1 || fm[tc.field] != tc.want {
					t.Fatalf("%v, want %s: %q", fm, tc.field, tc.want)
				}
			} else if errs.As(err).ZH != tc.want {
				t.Fatalf("%q, want %q", errs.As(err).ZH, tc.want)
			}
			if after := f.venueState(t); after != before {
				t.Fatalf("the refused standard changed the tables:\n%s\n%s", before, after)
			}
		})
	}
}

// venuePNG is a small PNG image carrying a text chunk with a place, as
// some phones write one.
func venuePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var enc bytes.Buffer
	if err := png.Encode(&enc, img); err != nil {
		t.Fatal(err)
	}
	raw := enc.Bytes()
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	// After the signature and IHDR (8 + 25 bytes).
	out := append([]byte{}, raw[:33]...)
	out = append(out, chunk("tEXt", []byte("Location\x00GPS 22.8170N 108.3665E"))...)
	return append(out, raw[33:]...)
}

// TestVenuePhotos: photos come after the venue, lose the place they carry,
// are JPG or PNG only and at most five; a refused upload stores nothing;
// a photo is read through its own organization only and deleted with an
// audit entry.
func TestVenuePhotos(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	c := f.communities[0]
	img := venuePNG(t)
	if !bytes.Contains(img, []byte("GPS")) {
		t.Fatal("the test image carries no place")
	}
	one := []cases.NamedFile{{Name: "门头.png", Data: img}}
	before := f.venueState(t)
	_, err := f.pg.AddVenuePhotos(ctx, f.secretary, c.ID, one)
	if errs.KindOf(err) != errs.Conflict || errs.As(err).ZH != "请先登记"+c.Label()+"的阵地面积、功能等信息，再上传照片" {
		t.Fatalf("photos before the venue: %v", err)
	}
	if f.venueState(t) != before {
		t.Fatal("refused photos changed the tables")
	}
	f.save(t, f.secretary, c, 320, "party_room")
	added, err := f.pg.AddVenuePhotos(ctx, f.secretary, c.ID, one)
	if err != nil || len(added) != 1 || added[0].MIME != "image/png" {
		t.Fatalf("upload: %+v %v", added, err)
	}
	got, err := f.pg.VenuePhotoFile(ctx, f.auditor, c.ID, added[0].ID)
	if err != nil || bytes.Contains(got.Data, []byte("GPS")) || !bytes.HasPrefix(got.Data, []byte("\x89PNG")) || got.Size != len(got.Data) {
		t.Fatalf("the stored photo: %d bytes, place kept %t, %v", len(got.Data), bytes.Contains(got.Data, []byte("GPS")), err)
	}
	if _, err := f.pg.VenuePhotoFile(ctx, f.countyA, f.communities[1].ID, added[0].ID); errs.KindOf(err) != errs.NotFound || errs.As(err).ZH != "照片不存在或已删除" {
		t.Fatalf("the photo through another organization: %v", err)
	}
	for _, tc := range []struct {
		name  string
		files []cases.NamedFile
		want  string
	}{
		{"none", nil, "请选择要上传的照片（JPG 或 PNG 图片）"},
		{"a PDF", []cases.NamedFile{{Name: "a.png", Data: img}, {Name: "平面图.pdf", Data: []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")}}, "文件 平面图.pdf 不是照片：阵地照片只接受 JPG 或 PNG 图片"},
		{"text called a photo", []cases.NamedFile{{Name: "现场.jpg", Data: []byte("not a photo at all")}}, "文件 现场.jpg 的内容不是 JPEG 图片，请上传 JPG、PNG 图片或 PDF 文件"},
		{"five more", []cases.NamedFile{{Name: "1.png", Data: img}, {Name: "2.png", Data: img}, {Name: "3.png", Data: img}, {Name: "4.png", Data: img}, {Name: "5.png", Data: img}}, "阵地照片最多 5 张，已有 1 张，本次最多还能上传 4 张"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.venueState(t)
			_, err := f.pg.AddVenuePhotos(ctx, f.secretary, c.ID, tc.files)
			if e := errs.As(err); e.Kind != errs.Invalid || e.Field != "photos" || e.ZH != tc.want {
				t.Fatalf("%v (field %q), want %q", err, e.Field, tc.want)
			}
			if f.venueState(t) != before {
				t.Fatal("a refused upload changed the tables")
			}
		})
	}
	if _, err := f.pg.AddVenuePhotos(ctx, f.auditor, c.ID, one); errs.KindOf(err) != errs.Forbidden {
		t.Errorf("the auditor uploading: %v", err)
	}
	if err := f.pg.DeleteVenuePhoto(ctx, f.secretary, c.ID, added[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.pg.DeleteVenuePhoto(ctx, f.secretary, c.ID, added[0].ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("deleting twice: %v", err)
	}
	var acts string
	if err := f.d.QueryRow(ctx, "SELECT COUNT(*) || '' FROM audit_log WHERE action IN ('venue.photo_add', 'venue.photo_delete')").Scan(&acts); err != nil || acts != "2" {
		t.Errorf("photo audit entries: %s %v", acts, err)
	}
}

// TestVenueComplianceList: the list of 民生街道 filtered by state, kind and
// name, sorted by area, a page at a time, with the counts of the whole
// list whatever the state's filter; the county's list counts by street.
func TestVenueComplianceList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	all := []string{"party_room", "service_center", "service_window"}
	f.save(t, f.streetA, f.communities[0], 320, all...)
	f.save(t, f.streetA, f.communities[1], 260, all...)
	f.save(t, f.streetA, f.communities[2], 400, "party_room")
	f.save(t, f.streetA, f.village, 210, "party_room", "service_window")
	names := func(rows []programs.VenueRow) string {
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s:%d", r.OrgName, r.Area))
		}
		return strings.Join(out, " ")
	}
	q := programs.VenueQuery{Under: f.minsheng.ID, Status: "noncompliant", Sort: "-area"}
	l, err := f.pg.VenueCompliance(ctx, f.countyA, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(l.Rows), fmt.Sprintf("%s:400 %s:260", f.communities[2].Label(), f.communities[1].Label()); got != want || l.Total != 2 || l.Counts.Total != 13 || l.Counts.None != 9 {
		t.Fatalf("below the standard, largest first: %q (%d of %+v), want %q", got, l.Total, l.Counts, want)
	}
	l, _ = f.pg.VenueCompliance(ctx, f.countyA, programs.VenueQuery{Under: f.minsheng.ID, Kind: "rural"})
	if len(l.Rows) != 1 || l.Rows[0].OrgID != f.village.ID || l.Counts.Total != 1 || l.Rows[0].Standard.MinArea != 200 {
		t.Fatalf("villages only: %s %+v", names(l.Rows), l.Counts)
	}
	l, _ = f.pg.VenueCompliance(ctx, f.countyA, programs.VenueQuery{Under: f.minsheng.ID, Q: f.communities[1].Name})
	if len(l.Rows) != 1 || l.Rows[0].OrgID != f.communities[1].ID {
		t.Fatalf("search: %s", names(l.Rows))
	}
	l, _ = f.pg.VenueCompliance(ctx, f.countyA, programs.VenueQuery{Under: f.minsheng.ID, Sort: "area", Limit: 2, Offset: 9})
	if got := names(l.Rows); l.Total != 13 || got != fmt.Sprintf("%s:210 %s:260", f.village.Label(), f.communities[1].Label()) {
		t.Fatalf("page 2 of 2 by area, after the 9 without a venue: %q", got)
	}
	l, _ = f.pg.VenueCompliance(ctx, f.countyA, programs.VenueQuery{Under: f.minsheng.ID, Status: "none", Limit: 100})
	if l.Total != 9 || len(l.Rows) != 9 {
		t.Fatalf("without a venue: %d", l.Total)
	}
	// The county's list: its streets and townships, 民生街道 with 2 of 13.
	l, err = f.pg.VenueCompliance(ctx, f.countyA, programs.VenueQuery{Under: f.xingning.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ms *programs.VenuePart
	for i, p := range l.Parts {
		if p.OrgID == f.minsheng.ID {
			ms = &l.Parts[i]
		}
	}
	if ms == nil || ms.Counts.Total != 13 || ms.Counts.Compliant != 2 || ms.Counts.WithVenue != 4 || len(l.Parts) < 2 {
		t.Fatalf("by street: %+v", l.Parts)
	}
	// The secretary's list is their own community.
	l, _ = f.pg.VenueCompliance(ctx, f.secretary, programs.VenueQuery{})
	if len(l.Rows) != 1 || l.Rows[0].OrgID != f.communities[0].ID || l.Rows[0].Status != "compliant" {
		t.Fatalf("the secretary's list: %s", names(l.Rows))
	}
	for _, bad := range []struct {
		q    programs.VenueQuery
		want string
	}{
		{programs.VenueQuery{Status: "good"}, "状态只能是 compliant、noncompliant、short_area、missing_functions、short_and_missing 或 none"},
		{programs.VenueQuery{Kind: "town"}, "类别只能是 rural（村）或 community（社区）"},
		{programs.VenueQuery{Sort: "photos"}, "排序只能是 code、name、area、status 或 updated"},
	} {
		if _, err := f.pg.VenueCompliance(ctx, f.countyA, bad.q); errs.As(err).ZH != bad.want {
			t.Errorf("%+v: %v", bad.q, err)
		}
	}
}

// TestVenueShareThroughTheHook: the coverage module's indicator "units
// with a venue" reads the venues this module records, through the
// condition it hands coverage. 民生街道's two units of its own branches:
// one branch records a venue → 50 %.
func TestVenueShareThroughTheHook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newVenueFx(t)
	var units []coverage.Unit
	for i, name := range []string{"甲", "乙"} {
		br, err := f.orgs.Create(ctx, testrig.Admin, org.Input{ParentID: f.minsheng.ID, Name: "南宁" + name + "公司党支部", Kind: "branch", Category: "private"})
		if err != nil {
			t.Fatal(err)
		}
		oc := fmt.Sprintf("MA%06d", 900+i)
		c9, _ := ids.OrgCodeCheckChar(oc)
		first17 := "91450102" + oc + string(c9)
		c18, _ := ids.CreditCodeCheckChar(first17)
		u, err := f.cov.Create(ctx, testrig.Admin, coverage.Input{CreditCode: first17 + string(c18), Name: "南宁" + name + "有限公司", Industry: "C", Employees: 60,
			FullMembers: 3, RegionCode: "450102001003", AffiliationOrgID: f.minsheng.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.cov.SetCoverage(ctx, testrig.Admin, u.ID, coverage.CoverageInput{Coverage: "own", OrgID: br.ID}); err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
		if i == 0 {
			f.save(t, f.countyA, br, 60, "party_room", "meeting_room")
		}
	}
	g, err := f.cov.CreateGoalSet(ctx, testrig.Admin, coverage.GoalInput{Name: "2026年“4+1”两新党建目标", Year: 2026, OwnerOrgID: f.xingning.ID, Targets: map[string]float64{"venue_share": 80}})
	if err != nil {
		t.Fatal(err)
	}
	_, ps, err := f.cov.GoalProgress(ctx, testrig.Admin, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Org.ID == f.minsheng.ID && (p.Values["venue_share"] != 50 || len(p.Behind) != 1) {
			t.Fatalf("民生街道: %v behind %v, want 50 and behind", p.Values, p.Behind)
		}
		if p.Org.ID == f.xingning.ID && p.Values["venue_share"] != 50 {
			t.Fatalf("兴宁区: %v", p.Values)
		}
	}
	if len(units) != 2 {
		t.Fatal("units")
	}
}
